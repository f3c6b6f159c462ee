// BROKEN: subtracts the Float32 c_1 (column-broadcast, through SrcB) from the bf16 c_0 while the compute config
// marks c_1 UnpackToDestFp32: the unpacker's output format for c_1 is Float32, which SrcA/SrcB cannot hold
// (ISA UNPACR_Regular.md: FP32 to SrcA/SrcB is UndefinedBehaviour). With -DFIX the kernel copies c_1 into DEST
// instead (copy_tile, the unpack-to-DEST path the marking is for) and runs.
#include "api/compute/bcast.h"
#include "api/compute/compute_kernel_api.h"
#include "api/compute/reconfig_data_format.h"
#include "api/compute/tile_move_copy.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 1, 16);
    cb_reserve_back(0, 1);
    cb_push_back(0, 1);
    cb_reserve_back(1, 1);
    cb_push_back(1, 1);
    cb_wait_front(0, 1);
    cb_wait_front(1, 1);
#ifdef FIX
    reconfig_data_format_srca(0, 1);
    copy_init(1);
#else
    sub_bcast_cols_init(0, 1);
#endif
    tile_regs_acquire();
#ifdef FIX
    copy_tile(1, 0, 0);
#else
    sub_tiles_bcast_cols(0, 1, 0, 0, 0);
#endif
    tile_regs_commit();
    tile_regs_wait();
    cb_reserve_back(16, 1);
    pack_tile(0, 16);
    tile_regs_release();
    cb_push_back(16, 1);
    cb_pop_front(0, 1);
    cb_pop_front(1, 1);
    cb_wait_front(16, 1);
    cb_pop_front(16, 1);
}
