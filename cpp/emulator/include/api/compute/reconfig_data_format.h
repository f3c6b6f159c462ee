// SPDX-License-Identifier: Apache-2.0
// Emulator version of tt-metal 0.81.1 api/compute/reconfig_data_format.h: data-format reconfiguration of SrcA,
// SrcB and the packer. The unconditional overloads always take the new operand's format; the (old, new) overloads
// change a source only when old's and new's formats differ (they compare the operands' descriptors, not the
// hardware state: "A stale claim can skip a required reconfiguration", reconfig_data_format.h).
#pragma once
#include "api/compute/common_globals.h"
#include "api/compute/src_order.h"

namespace ckernel {
template <SrcOrder src_order = SrcOrder::Regular>
ALWI void reconfig_data_format(const uint32_t icb0_new_operand, const uint32_t icb1_new_operand) {
    constexpr bool reverse = src_order == SrcOrder::Reverse;
    api().reconfig_data_format(tensix_emu::Operand::SRCA, tensix_emu::kNoOldOperand,
                               reverse ? icb1_new_operand : icb0_new_operand, "reconfig_data_format");
    api().reconfig_data_format(tensix_emu::Operand::SRCB, tensix_emu::kNoOldOperand,
                               reverse ? icb0_new_operand : icb1_new_operand, "reconfig_data_format");
}
template <SrcOrder src_order = SrcOrder::Regular>
ALWI void reconfig_data_format(const uint32_t icb0_old_operand, const uint32_t icb0_new_operand,
                               const uint32_t icb1_old_operand, const uint32_t icb1_new_operand) {
    constexpr bool reverse = src_order == SrcOrder::Reverse;
    api().reconfig_data_format(tensix_emu::Operand::SRCA, int32_t(reverse ? icb1_old_operand : icb0_old_operand),
                               reverse ? icb1_new_operand : icb0_new_operand, "reconfig_data_format");
    api().reconfig_data_format(tensix_emu::Operand::SRCB, int32_t(reverse ? icb0_old_operand : icb1_old_operand),
                               reverse ? icb0_new_operand : icb1_new_operand, "reconfig_data_format");
}
ALWI void reconfig_data_format_srca(const uint32_t srca_new_operand) {
    api().reconfig_data_format(tensix_emu::Operand::SRCA, tensix_emu::kNoOldOperand, srca_new_operand,
                               "reconfig_data_format_srca");
}
ALWI void reconfig_data_format_srca(const uint32_t srca_old_operand, const uint32_t srca_new_operand) {
    api().reconfig_data_format(tensix_emu::Operand::SRCA, int32_t(srca_old_operand), srca_new_operand,
                               "reconfig_data_format_srca");
}
ALWI void reconfig_data_format_srcb(const uint32_t srcb_new_operand) {
    api().reconfig_data_format(tensix_emu::Operand::SRCB, tensix_emu::kNoOldOperand, srcb_new_operand,
                               "reconfig_data_format_srcb");
}
ALWI void reconfig_data_format_srcb(const uint32_t srcb_old_operand, const uint32_t srcb_new_operand) {
    api().reconfig_data_format(tensix_emu::Operand::SRCB, int32_t(srcb_old_operand), srcb_new_operand,
                               "reconfig_data_format_srcb");
}
template <bool is_tile_dim_reconfig_en = false>
ALWI void pack_reconfig_data_format(const uint32_t new_cb_id) {
    api().reconfig_data_format(tensix_emu::Operand::PACK, tensix_emu::kNoOldOperand, new_cb_id,
                               "pack_reconfig_data_format");
}
template <bool is_tile_dim_reconfig_en = false>
ALWI void pack_reconfig_data_format(const uint32_t old_cb_id, const uint32_t new_cb_id) {
    api().reconfig_data_format(tensix_emu::Operand::PACK, int32_t(old_cb_id), new_cb_id, "pack_reconfig_data_format");
}
}  // namespace ckernel
