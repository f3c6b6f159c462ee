// SPDX-License-Identifier: Apache-2.0
//
// Room "formats": the packer (see packer.hpp; conversions in numerics.hpp).
#include "formats/packer.hpp"

#include <cstring>

#include "formats/numerics.hpp"
#include "kernel_failure.hpp"
#include "math/dest.hpp"

namespace tensix_emu {

void Packer::require_untilize_inactive(const std::string& call, const char* advice) const {
    if (untilize_active_) {
        fail(call + ": pack_untilize is still initialised on " + cb_name(int32_t(untilize_ocb_)) + " (" + advice +
             ")");
    }
}

void Packer::check_pack_tile(const CoreCBs& cbs, uint32_t ocb, const std::string& call) const {
    require_untilize_inactive(call, "call pack_untilize_uninit before packing tiles");
    if (reduce_mask_ && ocb != reduce_ocb_) {
        fail(call + ": the reduce packer mask set by reduce_init for " + cb_name(int32_t(reduce_ocb_)) +
             " is still active (call reduce_uninit first)");
    }
    require_format(cbs, ocb, call.c_str());
}

void Packer::pack_tile(const float* dst, CBState& out, uint8_t* l1, uint32_t ocb, uint32_t out_tile, bool out_of_order,
                       const std::string& call) {
    if (out.page_size != tt::tile_size(out.format)) {
        fail(call + ": " + cb_name(int32_t(ocb)) + " has " + std::to_string(out.page_size) +
             " B pages but pack_tile writes tile-sized pages (one " + tt::to_string(out.format) + " tile = " +
             std::to_string(tt::tile_size(out.format)) + " B)");
    }
    const uint32_t pos = out_of_order ? out_tile : out.pack_ptr;
    if (pos >= out.reserved) {
        fail(call + ": writes tile " + std::to_string(pos) + " of " + cb_name(int32_t(ocb)) + " but only " +
             std::to_string(out.reserved) + " pages are reserved (cb_reserve_back)");
    }
    float t[1024];
    std::memcpy(t, dst, sizeof t);
    if (reduce_mask_) {
        for (uint32_t r = 0; r < 32; ++r) {
            for (uint32_t c = 0; c < 32; ++c) {
                const bool keep = mask_dim_ == ReduceDim::REDUCE_ROW   ? c == 0
                                  : mask_dim_ == ReduceDim::REDUCE_COL ? r == 0
                                                                       : (r == 0 && c == 0);
                if (!keep) {
                    t[r * 32 + c] = 0.0f;
                }
            }
        }
    }
    store_tile(l1 + out.write_offset(pos), out.format, t, fp32_dest_);
    if (!out_of_order) {
        ++out.pack_ptr;
    }
    ++tiles_packed;
}

void Packer::check_tilize_output(const CBState& out, uint32_t ocb, uint32_t block, const std::string& call) const {
    if (out.pack_ptr + block > out.reserved) {
        fail(call + ": packs " + std::to_string(block) + " tiles into " + cb_name(int32_t(ocb)) + " but only " +
             std::to_string(out.reserved - out.pack_ptr) + " reserved pages are left");
    }
}

void Packer::pack_next_tile(CBState& out, uint8_t* l1, const float* tile) {
    store_tile(l1 + out.write_offset(out.pack_ptr), out.format, tile, fp32_dest_);
    ++out.pack_ptr;
    ++tiles_packed;
}

void Packer::untilize_init(const Dest& dest, uint32_t block_ct, uint32_t full_ct, uint32_t ocb, bool from_dest,
                           const char* call) {
    if (block_ct == 0 || block_ct > dest.capacity()) {
        fail(std::string(call) + "<" + std::to_string(block_ct) + ", " + std::to_string(full_ct) +
             ">: block width " + std::to_string(block_ct) + " tiles exceeds the DEST limit of " +
             std::to_string(dest.capacity()) + " tiles (" + dest.mode_text() + ")");
    }
    if (full_ct % block_ct != 0) {
        fail(std::string(call) + "<" + std::to_string(block_ct) + ", " + std::to_string(full_ct) +
             ">: full width " + std::to_string(full_ct) + " is not a multiple of the block width " +
             std::to_string(block_ct));
    }
    untilize_active_ = true;
    untilize_from_dest_ = from_dest;
    untilize_block_ct_ = block_ct;
    untilize_full_ct_ = full_ct;
    untilize_ocb_ = ocb;
}

void Packer::untilize_uninit(uint32_t ocb) {
    if (!untilize_active_ || untilize_ocb_ != ocb) {
        fail("pack_untilize_uninit(" + cb_name(int32_t(ocb)) + "): pack_untilize was not initialised for this CB");
    }
    untilize_active_ = false;
}

void Packer::require_untilize_dest(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, const std::string& call) const {
    if (!untilize_active_ || !untilize_from_dest_ || untilize_block_ct_ != block_ct || untilize_full_ct_ != full_ct ||
        untilize_ocb_ != ocb) {
        fail(call + " without a matching pack_untilize_dest_init");
    }
}

void Packer::check_untilize_block_index(uint32_t block_ct, uint32_t full_ct, uint32_t block_c_index,
                                        const std::string& call) const {
    if (block_c_index >= full_ct / block_ct) {
        fail(call + ": block index " + std::to_string(block_c_index) + " is beyond the " +
             std::to_string(full_ct / block_ct) + " blocks of the row");
    }
}

void Packer::untilize_dest(const Dest& dest, CBState& out, uint8_t* l1, uint32_t block_ct, uint32_t full_ct,
                           uint32_t ocb, uint32_t block_c_index, const std::string& call) {
    if (out.reserved < full_ct) {
        fail(call + ": the untilized block spans " + std::to_string(full_ct) + " pages of " + cb_name(int32_t(ocb)) +
             " but only " + std::to_string(out.reserved) + " are reserved");
    }
    const uint32_t ds = tt::datum_size(out.format);
    uint8_t* dst = l1 + out.write_offset();
    const uint32_t row_elems = full_ct * 32;
    for (uint32_t t = 0; t < block_ct; ++t) {
        const uint32_t col0 = (block_c_index * block_ct + t) * 32;
        const float* tile = dest.tile(t);
        for (uint32_t r = 0; r < 32; ++r) {
            for (uint32_t c = 0; c < 32; ++c) {
                store_datum(dst + (r * row_elems + col0 + c) * ds, out.format,
                            from_dst(tile[r * 32 + c], out.format, fp32_dest_));
            }
        }
        ++tiles_packed;
    }
}

}  // namespace tensix_emu
