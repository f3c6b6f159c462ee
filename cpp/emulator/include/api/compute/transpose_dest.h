// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/transpose_dest.h: transpose_dest_init / transpose_dest, an in-place
// transpose of one DEST tile (LLK tt-llk tt_llk_wormhole_b0/llk_lib/llk_math_transpose_dest.h). Modelled bit for bit:
// <is_32bit, transpose_of_faces> = <true, true> (32x32, fp32 DEST), <true, false> (each 16x16 face in place, fp32
// DEST) and <false, true> (32x32, 16-bit DEST); <false, false> is refused (the LLK: "not supported"), as is an
// is_32bit that does not match the DEST mode, or a transpose_dest without its init (same template arguments) in
// force. Rules and sources: src/math/fpu.hpp. The unpack side (llk_unpack_set_srcb_dummy_valid) has no state here.
#pragma once
#include <cstdint>

#include "api/compute/common.h"

namespace ckernel {
template <bool is_32bit = false, bool transpose_of_faces = true>
ALWI void transpose_dest_init([[maybe_unused]] uint32_t operand = 0) {
    api().transpose_dest_init(is_32bit, transpose_of_faces);
}
template <bool is_32bit = false, bool transpose_of_faces = true>
ALWI void transpose_dest(uint32_t idst) {
    api().transpose_dest(is_32bit, transpose_of_faces, idst);
}
}  // namespace ckernel
