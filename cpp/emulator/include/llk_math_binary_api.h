// SPDX-License-Identifier: Apache-2.0
// Emulator version of the one call of tt-metal 0.81 hw/ckernels/<arch>/metal/llk_api/llk_math_binary_api.h that
// kernels make directly (inside MATH((...)), which the emulator runs once: emu/upstream_prelude.hpp):
// llk_math_eltwise_binary_init, the math side of an FPU binary init without the unpacker's. Upstream kernels use it
// after a full init to switch the FPU into accumulate-into-DEST mode (ELWADD / ELWSUB's AddDst, Dst += A op B), e.g.
// ttnn experimental/deepseek_prefill/attn_res_weighted_reduce_nc/.../weighted_reduce_nc.cpp.
#pragma once
#include <cstdint>
#include <type_traits>

#include "emu/ckernel_common.hpp"

namespace ckernel {
namespace emu_detail {
constexpr tensix_emu::BinaryOp binary_op(EltwiseBinaryType t) {
    return t == EltwiseBinaryType::ELWADD   ? tensix_emu::BinaryOp::ADD
           : t == EltwiseBinaryType::ELWSUB ? tensix_emu::BinaryOp::SUB
                                            : tensix_emu::BinaryOp::MUL;
}
}  // namespace emu_detail

/// DEST op: the FPU's binary operation `eltwise_binary_type` with SrcB broadcast `src_b_bcast_type` reprogrammed with
/// AddDst = acc_to_dest (math/fpu.hpp init_binary_math: refused unless a full init of the same op, broadcast and CBs
/// is in force; acc_to_dest on ELWMUL changes nothing: ELWMUL always adds into DEST). math_fidelity: a MathFidelity,
/// or the kernel's MATH_FIDELITY (an integer in the emulator's JIT). Add and sub run at LoFi whatever is asked (llk_math_common_api.h
/// get_effective_math_fidelity: "Math fidelity only applies to ELWMUL; for all other binary ops (ELWADD/ELWSUB),
/// LoFi is used"), so their fidelity is not checked; a multiply must ask for the kernel's MATH_FIDELITY, the
/// fidelity the emulator's ELWMUL runs at.
template <EltwiseBinaryType eltwise_binary_type, BroadcastType src_b_bcast_type, auto math_fidelity>
ALWI void llk_math_eltwise_binary_init(uint32_t operand_A, uint32_t operand_B, uint32_t acc_to_dest = 0) {
    static_assert(eltwise_binary_type == EltwiseBinaryType::ELWADD || eltwise_binary_type == EltwiseBinaryType::ELWSUB ||
                      eltwise_binary_type == EltwiseBinaryType::ELWMUL,
                  "llk_math_eltwise_binary_init: eltwise_binary_type must be ELWADD, ELWSUB or ELWMUL "
                  "(tt-llk llk_math_eltwise_binary.h)");
    static_assert(std::is_same_v<decltype(math_fidelity), MathFidelity> || std::is_integral_v<decltype(math_fidelity)>,
                  "llk_math_eltwise_binary_init: math_fidelity is a MathFidelity");
    if (eltwise_binary_type == EltwiseBinaryType::ELWMUL && int(math_fidelity) != int(MATH_FIDELITY)) {
        emu_detail::refuse("llk_math_eltwise_binary_init<ELWMUL> with a math fidelity other than the kernel's "
                           "MATH_FIDELITY (the emulator's ELWMUL runs at the compute config's fidelity)");
    }
    api().binary_math_init(emu_detail::binary_op(eltwise_binary_type), emu_detail::bcast_dim(src_b_bcast_type),
                           operand_A, operand_B, acc_to_dest != 0, "llk_math_eltwise_binary_init");
}
}  // namespace ckernel
