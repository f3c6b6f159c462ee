// SPDX-License-Identifier: Apache-2.0
//
// Room "formats": the unpacker and the format rule (see unpacker.hpp; conversions in numerics.hpp).
#include "formats/unpacker.hpp"

#include "formats/numerics.hpp"
#include "kernel_failure.hpp"

namespace tensix_emu {

void require_format(const FormatState& st, const char* unit, const CoreCBs& cbs, uint32_t icb, const char* call) {
    if (icb >= kNumCBs || !cbs.cb[icb].configured) {
        return;  // reported by the CB lookup of the call itself
    }
    const CBState& c = cbs.cb[icb];
    if (st.set && st.format != c.format) {
        fail(std::string(call) + ": " + cb_name(int32_t(icb)) + " holds " + tt::to_string(c.format) +
             " but the " + unit + " is configured for " + tt::to_string(st.format) + " (by " + st.by +
             (st.cb >= 0 ? " from " + cb_name(st.cb) : std::string()) +
             "): call reconfig_data_format / pack_reconfig_data_format for " + cb_name(int32_t(icb)) +
             " first (inits do not reconfigure data formats)");
    }
}

void Unpacker::configure(const tt::tt_metal::ComputeConfigDescriptor& cc) {
    fp32_dest_ = cc.fp32_dest_acc_en;
    for (size_t i = 0; i < cc.unpack_to_dest_mode.size() && i < kNumCBs; ++i) {
        unpack_to_dest_fp32_[i] = cc.unpack_to_dest_mode[i] == tt::tt_metal::UnpackToDestMode::UnpackToDestFp32;
    }
}

bool Unpacker::straight_to_dest(const CBState& c, uint32_t icb, UnpackTo to) const {
    if (!fp32_dest_ || c.format != tt::DataFormat::Float32) {
        return false;
    }
    switch (to) {
        case UnpackTo::DestIfUnpackToDestFp32: return icb < kNumCBs && unpack_to_dest_fp32_[icb];
        default: return false;
    }
}

void Unpacker::read_tile(const CBState& c, const uint8_t* l1, uint32_t icb, uint32_t itile, float* out,
                         const char* call, UnpackTo to) const {
    if (itile >= c.waited) {
        fail(std::string(call) + ": reads tile " + std::to_string(itile) + " of " + cb_name(int32_t(icb)) +
             " but only " + std::to_string(c.waited) + " pages were waited for (cb_wait_front)");
    }
    if (c.rd_page + itile >= c.num_pages) {
        fail(std::string(call) + ": tile " + std::to_string(itile) + " of " + cb_name(int32_t(icb)) +
             " lies past the end of the CB (read page " + std::to_string(c.rd_page) + ", capacity " +
             std::to_string(c.num_pages) + ")");
    }
    // Tile ops count pages as tiles (the unpacker advances by the CB's page size, tile by tile).
    if (c.page_size != tt::tile_size(c.format)) {
        fail(std::string(call) + ": " + cb_name(int32_t(icb)) + " has " + std::to_string(c.page_size) +
             " B pages but this call reads tile-sized pages (one " + tt::to_string(c.format) + " tile = " +
             std::to_string(tt::tile_size(c.format)) + " B)");
    }
    load_tile(l1 + c.read_offset(itile), c.format, out);
    if (!straight_to_dest(c, icb, to)) {
        for (uint32_t i = 0; i < 1024; ++i) {
            out[i] = to_src(out[i], c.format, fp32_dest_);
        }
    }
}

void Unpacker::require_src_readable(const CoreCBs& cbs, uint32_t icb, const char* operand, const char* call) const {
    if (icb >= kNumCBs || !unpack_to_dest_fp32_[icb] || !cbs.cb[icb].configured ||
        cbs.cb[icb].format != tt::DataFormat::Float32) {
        return;
    }
    fail(std::string(call) + ": reads " + cb_name(int32_t(icb)) + " (Float32, marked UnpackToDestFp32) through " +
         operand + ", but an UnpackToDestFp32 CB unpacks to Float32, which SrcA/SrcB cannot hold: undefined "
         "behaviour (ISA UNPACR_Regular.md FP32 -> FP32 to SrcA/SrcB; tt-llk cunpack_common.h "
         "is_unpacker_format_conversion_supported_dest): read it with copy_tile / unary_bcast / tilize (to DEST) "
         "or do not mark it UnpackToDestFp32");
}

math::SrcStyle Unpacker::srca_style(const CoreCBs& cbs, uint32_t icb) const {
    const bool tf32 = icb < kNumCBs && cbs.cb[icb].format == tt::DataFormat::Float32 && fp32_dest_;
    return tf32 ? math::SrcStyle::TF32 : math::SrcStyle::BF16;
}

void Unpacker::check_tilize_input(const CBState& in, uint32_t icb, uint32_t block, const std::string& call) const {
    // The row-major block is 32 rows of `block` tiles' width; a page is one tile's worth of bytes.
    if (in.page_size != tt::tile_size(in.format)) {
        fail(call + ": input " + cb_name(int32_t(icb)) + " has " + std::to_string(in.page_size) +
             " B pages but tilize_block counts tile-sized pages (" + std::to_string(tt::tile_size(in.format)) +
             " B): 32 sticks of `block` tiles' width must be `block` pages");
    }
    if (in.waited < block) {
        fail(call + ": reads " + std::to_string(block) + " pages of " + cb_name(int32_t(icb)) + " but only " +
             std::to_string(in.waited) + " were waited for");
    }
}

void Unpacker::read_tilize_tile(const CBState& in, const uint8_t* l1, uint32_t icb, uint32_t block, uint32_t t,
                                float* out) const {
    // Unpack-tilize to SrcA (tilize.h); a Float32 CB marked UnpackToDestFp32 with fp32 DEST goes to DEST
    // losslessly, otherwise through SrcA (numerics.hpp, point 1).
    const bool exact = straight_to_dest(in, icb, UnpackTo::DestIfUnpackToDestFp32);
    const uint32_t ds = tt::datum_size(in.format);
    const uint8_t* src = l1 + in.read_offset();
    const uint32_t row_elems = block * 32;
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            const float v = load_datum(src + (r * row_elems + t * 32 + c) * ds, in.format);
            out[r * 32 + c] = exact ? v : to_src(v, in.format, fp32_dest_);
        }
    }
}

}  // namespace tensix_emu
