// In-DEST transforms of one tile: A tile 0 copied into DST[IDST] (default 1), then transpose_dest (OP_TRANSPOSE)
// and/or sfpu_reduce (OP_SFPU_REDUCE), in that order, and DST[IDST] packed into c_16. CT arg 0: NA.
// Defines (each optional but the OP_*):
//   TR_ARGS / TR_INIT_ARGS    template arguments of transpose_dest / transpose_dest_init (default true, true /
//                             TR_ARGS); NO_TR_INIT: no transpose_dest_init; TR_CLOBBER: a statement between the two.
//   RED_ARGS / RED_INIT_ARGS  template arguments of sfpu_reduce / sfpu_reduce_init (default SUM, Float32,
//                             REDUCE_COL / SUM, Float32); NO_RED_INIT; RED_CLOBBER: a statement between the two;
//                             CT_DIM: sfpu_reduce's ct_dim (default 1); RED_TWICE: a second sfpu_reduce on DST[0]
//                             after the first (the init's recording stays live).
#include <cstdint>
#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_binary_sfpu.h"
#include "api/compute/sfpu_binary_bcast.h"
#include "api/compute/tile_move_copy.h"
#include "api/compute/transpose_dest.h"

#ifndef IDST
#define IDST 1
#endif
#ifndef TR_ARGS
#define TR_ARGS true, true
#endif
#ifndef TR_INIT_ARGS
#define TR_INIT_ARGS TR_ARGS
#endif
#ifndef TR_CLOBBER
#define TR_CLOBBER
#endif
#ifndef RED_ARGS
#define RED_ARGS PoolType::SUM, DataFormat::Float32, ReduceDim::REDUCE_COL
#endif
#ifndef RED_INIT_ARGS
#define RED_INIT_ARGS PoolType::SUM, DataFormat::Float32
#endif
#ifndef RED_CLOBBER
#define RED_CLOBBER
#endif
#ifndef CT_DIM
#define CT_DIM 1
#endif

constexpr uint32_t A = 0, B = 1, OUT = 16;

void kernel_main() {
    constexpr uint32_t NA = get_compile_time_arg_val(0);
    compute_kernel_hw_startup(A, B, OUT);
    cb_wait_front(A, NA);
    cb_wait_front(B, 1);
    copy_init(A);
    tile_regs_acquire();
    copy_tile(A, 0, IDST);
#if defined(OP_TRANSPOSE)
#if !defined(NO_TR_INIT)
    transpose_dest_init<TR_INIT_ARGS>();
#endif
    TR_CLOBBER;
    transpose_dest<TR_ARGS>(IDST);
#endif
#if defined(OP_SFPU_REDUCE)
#if !defined(NO_RED_INIT)
    sfpu_reduce_init<RED_INIT_ARGS>();
#endif
    RED_CLOBBER;
    sfpu_reduce<RED_ARGS>(IDST, CT_DIM);
#if defined(RED_TWICE)
    sfpu_reduce<RED_ARGS>(0);
#endif
#endif
    tile_regs_commit();
    cb_reserve_back(OUT, 1);
    tile_regs_wait();
    pack_tile(IDST, OUT);
    tile_regs_release();
    cb_push_back(OUT, 1);
    cb_pop_front(A, NA);
    cb_pop_front(B, 1);
}
