// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81 api/compute/experimental/fast_untilize.h (Blackhole only). ttnn's kernel_lib
// selects fast untilize only under ARCH_BLACKHOLE, which the emulator's JIT does not define; the calls are declared
// so that kernel_lib compiles and refused when reached.
#pragma once
#include <cstdint>

#include "api/compute/pack_untilize.h"
#include "emu/ckernel_common.hpp"

namespace ckernel {
template <uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_untilize_init(uint32_t, uint32_t, uint32_t = __builtin_LINE()) {
    emu_detail::refuse("fast_untilize_init (Blackhole-only experimental API)");
}
template <uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_untilize_init_skip_remap(uint32_t, uint32_t, uint32_t = __builtin_LINE()) {
    emu_detail::refuse("fast_untilize_init_skip_remap (Blackhole-only experimental API)");
}
template <uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_untilize_block(uint32_t, uint32_t, uint32_t = 0) {
    emu_detail::refuse("fast_untilize_block (Blackhole-only experimental API)");
}
template <uint32_t full_ct_dim, bool is_fp32_dest_acc_en = DST_ACCUM_MODE>
ALWI void fast_untilize_uninit(uint32_t) {
    emu_detail::refuse("fast_untilize_uninit (Blackhole-only experimental API)");
}

}  // namespace ckernel
