// SPDX-License-Identifier: Apache-2.0
//
// The plumbing every emulator compute API header (api/compute/*.h) stands on, as tt-metal 0.81's stand on
// api/compute/common_globals.h (ckernel.h, ckernel_include.h and the LLK common APIs): the ckernel namespace, the
// LLK enums the calls take as template parameters, and the accessor that forwards every call to the emulator
// core (emu/kernel_iface.hpp). Internal: kernels include the api/compute headers, never this one.
#pragma once
#include <cstdint>

#include "api/compile_time_args.h"
#include "emu/kernel_args.hpp"
#include "emu/kernel_common.hpp"

namespace ckernel {

using tensix_emu::kernel_side::api;

// tt-llk llk_lib/llk_defs.h (ReduceDim, PoolType: same order; the emulator's enums are 32-bit, LLK's 8-bit).
using PoolType = tensix_emu::PoolType;
using ReduceDim = tensix_emu::ReduceDim;
// tt-llk llk_lib/llk_defs.h, with its values.
enum class BroadcastType : uint8_t { NONE = 0x0, COL = 0x1, ROW = 0x2, SCALAR = 0x3 };
enum class EltwiseBinaryType : uint8_t { ELWMUL = 0, ELWDIV = 1, ELWADD = 2, ELWSUB = 3, ELWLESS = 4 };
enum class MathFidelity : uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4 };
/// tt-llk common/inc/ckernel_defs.h: how an SFPU result is narrowed into a 16-bit DEST.
enum class DstRoundingMode : uint8_t { Default = 0, NearestEven = 1 };

namespace emu_detail {
/// A call of the tt-metal API that ttnn's own kernels or kernel_lib name on a path the emulator does not model:
/// declared so that they compile, refused (EmulatorError naming the call) when reached.
[[noreturn]] inline void refuse(const char* name) {
    api().unsupported(name);
    __builtin_unreachable();
}
/// The emulator core's broadcast dimension for an LLK BroadcastType.
constexpr tensix_emu::BcastDim bcast_dim(BroadcastType t) {
    return t == BroadcastType::ROW      ? tensix_emu::BcastDim::ROW
           : t == BroadcastType::COL    ? tensix_emu::BcastDim::COL
           : t == BroadcastType::SCALAR ? tensix_emu::BcastDim::SCALAR
                                        : tensix_emu::BcastDim::NONE;
}
}  // namespace emu_detail

}  // namespace ckernel

// tt-metal compute kernels call the ckernel API unqualified: its firmware wrapper (hw/ckernels/<arch>/metal/common/
// chlkc_list.h) says `using namespace ckernel;` before it includes the kernel.
using namespace ckernel;

/// Defines NAME(icb0, icb1, itile0, itile1, idst): one FPU binary (or broadcast binary) tile call of
/// eltwise_binary.h / bcast.h, forwarded with its op, broadcast and name.
#define EMU_DEFINE_BINARY_TILES(NAME, OP, BC)                                                                \
    namespace ckernel {                                                                                      \
    template <bool is_fp32_dest_acc_en = DST_ACCUM_MODE>                                                    \
    ALWI void NAME(uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1, uint32_t idst) {        \
        api().binary_tiles(tensix_emu::BinaryOp::OP, tensix_emu::BcastDim::BC, icb0, icb1, itile0, itile1, idst, \
                           #NAME);                                                                           \
    }                                                                                                        \
    }
