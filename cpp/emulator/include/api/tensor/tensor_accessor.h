// SPDX-License-Identifier: Apache-2.0
// TensorAccessor for interleaved DRAM tensors. Page p lives in bank p % num_banks at bank-local
// address base + (p / num_banks) * aligned_page_size: the interleaved placement of tt-metal's
// InterleavedAddrGen (tt_metal/hw/inc/internal/dataflow/dataflow_api_addrgen.h, 0.81).
#pragma once
#include <cstdint>

#include "api/tensor/tensor_accessor_args.h"
#include "emu/kernel_common.hpp"

template <std::size_t CTA_OFFSET, std::size_t CRTA_OFFSET = tensor_accessor::UNKNOWN>
class TensorAccessor {
public:
    TensorAccessor(const TensorAccessorArgs<CTA_OFFSET, CRTA_OFFSET>& args, uint32_t bank_base_address,
                   uint32_t page_size = TensorAccessorArgs<CTA_OFFSET, CRTA_OFFSET>::AlignedPageSize)
        : bank_base_address_(bank_base_address), aligned_page_size_(page_size) {
        (void)args;
    }
    uint64_t get_noc_addr(uint32_t page_id, uint32_t offset = 0, uint8_t noc = 0) const {
        (void)noc;
        auto& a = tensix_emu::kernel_side::api();
        const uint32_t banks = a.num_dram_banks();
        return a.dram_noc_addr(page_id % banks, bank_base_address_ + (page_id / banks) * aligned_page_size_ + offset);
    }
    uint32_t get_aligned_page_size() const { return aligned_page_size_; }
    uint32_t get_bank_base_address() const { return bank_base_address_; }

private:
    uint32_t bank_base_address_;
    uint32_t aligned_page_size_;
};
