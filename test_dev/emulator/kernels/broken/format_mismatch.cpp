// BROKEN (without -DFIX): copies from the Float32 c_1 while SrcA is configured for c_0's Float16_b.
#include "api/compute/compute_kernel_api.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/tile_move_copy.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 0, 16);
    cb_reserve_back(1, 1);
    cb_push_back(1, 1);
    cb_wait_front(1, 1);
#ifdef FIX
    reconfig_data_format_srca(0, 1);
#endif
    copy_init(1);
    tile_regs_acquire();
    copy_tile(1, 0, 0);
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(16, 1);
    pack_tile(0, 16);
    tile_regs_release();
    cb_push_back(16, 1);
    cb_pop_front(1, 1);
    cb_wait_front(16, 1);
    cb_pop_front(16, 1);
}
