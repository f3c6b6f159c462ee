// BROKEN (per IDX): copy_tile into DST index IDX.
#include "api/compute/compute_kernel_api.h"
#include "api/compute/tile_move_copy.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 0, 16);
    cb_reserve_back(0, 1);
    cb_push_back(0, 1);
    cb_wait_front(0, 1);
    copy_init(0);
    tile_regs_acquire();
    copy_tile(0, 0, IDX);
}
