// BROKEN (with 1024 B pages in c_0): copy_tile reads c_0 as tile-sized (2048 B bf16) pages.
#include "api/compute/compute_kernel_api.h"
#include "api/compute/tile_move_copy.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 0, 16);
    cb_reserve_back(0, 1);
    cb_push_back(0, 1);
    cb_wait_front(0, 1);
    copy_init(0);
    tile_regs_acquire();
    copy_tile(0, 0, 0);
}
