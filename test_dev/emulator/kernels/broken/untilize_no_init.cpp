// BROKEN: pack_untilize_dest without pack_untilize_dest_init.
#include "api/compute/compute_kernel_api.h"
#include "api/compute/pack_untilize.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 0, 16);
    cb_reserve_back(16, 1);
    tile_regs_acquire();
    tile_regs_commit();
    tile_regs_wait();
    pack_untilize_dest<1, 1>(16, 1, 0);
}
