// SPDX-License-Identifier: Apache-2.0
//
// Room "formats": the packer, DEST -> L1.
//
// - Conversion on the way out: numerics.hpp, point 4 (from_dst / store_tile).
// - pack_tile writes one tile at the CB's write pointer plus the tiles already packed since the last push
//   (or at an explicit index, out_of_order_output), only into pages cb_reserve_back granted (api/compute/pack.h).
// - tilize's pack: tilize_block packs each tilized tile the same way (api/compute/tilize.h).
// - pack_untilize: from DEST straight into row-major sticks, a block of block_ct tiles of a row full_ct tiles wide
//   (api/compute/pack_untilize.h: pack_untilize_dest_init / pack_untilize_dest / pack_untilize_uninit; the init and
//   the uninit reconfigure the packer's format for the output CB, llk_pack_reconfig_data_format). While it is
//   initialised, plain tile packs and tilize are refused (the packer is in untilize mode).
// - Reduce mask: reduce_init sets a packer edge mask that keeps only the reduced row / column / datum of each
//   tile (llk_pack_reduce_mask_config, api/compute/reduce.h) until reduce_uninit clears it; the emulator keeps
//   the mask for the CB reduce_init named and refuses a pack to another CB while it is set.
#pragma once

#include <cstdint>
#include <string>

#include <tt-metalium/program_descriptors.hpp>

#include "cb/circular_buffer.hpp"
#include "emu/kernel_iface.hpp"
#include "formats/unpacker.hpp"

namespace tensix_emu {

class Dest;

/// The packer state of one compute kernel.
class Packer {
public:
    void configure(const tt::tt_metal::ComputeConfigDescriptor& cc) { fp32_dest_ = cc.fp32_dest_acc_en; }

    FormatState format;
    uint64_t tiles_packed = 0;  ///< tiles written to L1 by this kernel (RunStats::tiles_computed)

    /// Configures the packer for CB c (index ocb), recording the configuring call.
    void set_format(const CBState& c, uint32_t ocb, const std::string& by) { format = {true, c.format, int32_t(ocb), by}; }
    void require_format(const CoreCBs& cbs, uint32_t ocb, const char* call) const {
        tensix_emu::require_format(format, "packer", cbs, ocb, call);
    }

    // ---- reduce mask (reduce_init .. reduce_uninit) ----
    void set_reduce_mask(ReduceDim dim, uint32_t ocb) {
        reduce_mask_ = true;
        mask_dim_ = dim;
        reduce_ocb_ = ocb;
    }
    void clear_reduce_mask() { reduce_mask_ = false; }

    // ---- pack_tile ----
    /// The packer-mode rules before a pack_tile into ocb: no pack_untilize initialised, no reduce mask for another
    /// CB, the packer's format.
    void check_pack_tile(const CoreCBs& cbs, uint32_t ocb, const std::string& call) const;
    /// Packs DEST tile `dst` into `out` (index ocb): at the next sequential position, or at out_tile when
    /// out_of_order. Throws KernelFailure when the pages are not tile-sized or the position is not reserved.
    void pack_tile(const float* dst, CBState& out, uint8_t* l1, uint32_t ocb, uint32_t out_tile, bool out_of_order,
                   const std::string& call);

    // ---- tilize's pack ----
    /// tilize_block's output check: `block` tiles must fit in what is reserved and not yet packed.
    void check_tilize_output(const CBState& out, uint32_t ocb, uint32_t block, const std::string& call) const;
    /// Packs a tilized DEST tile at the next sequential position of `out`.
    void pack_next_tile(CBState& out, uint8_t* l1, const float* tile);

    // ---- pack_untilize ----
    /// Throws KernelFailure "<call>: pack_untilize is still initialised on c_N (<advice>)" while it is.
    void require_untilize_inactive(const std::string& call, const char* advice) const;
    /// pack_untilize_init / pack_untilize_dest_init: the block must fit in DEST and divide the row.
    void untilize_init(const Dest& dest, uint32_t block_ct, uint32_t full_ct, uint32_t ocb, bool from_dest,
                       const char* call);
    /// pack_untilize_uninit: throws KernelFailure unless pack_untilize is initialised for ocb; ends it (the caller
    /// then reconfigures the packer's format for ocb).
    void untilize_uninit(uint32_t ocb);
    /// pack_untilize_dest's pairing with its init.
    void require_untilize_dest(uint32_t block_ct, uint32_t full_ct, uint32_t ocb, const std::string& call) const;
    void check_untilize_block_index(uint32_t block_ct, uint32_t full_ct, uint32_t block_c_index,
                                    const std::string& call) const;
    /// Writes DEST tiles 0..block_ct-1 as the block_c_index-th block of 32 row-major sticks of full_ct tiles into
    /// the reserved pages of `out`.
    void untilize_dest(const Dest& dest, CBState& out, uint8_t* l1, uint32_t block_ct, uint32_t full_ct,
                       uint32_t ocb, uint32_t block_c_index, const std::string& call);

private:
    bool fp32_dest_ = false;
    bool reduce_mask_ = false;
    ReduceDim mask_dim_ = ReduceDim::REDUCE_ROW;
    uint32_t reduce_ocb_ = 0;
    bool untilize_active_ = false;
    bool untilize_from_dest_ = false;
    uint32_t untilize_block_ct_ = 0, untilize_full_ct_ = 0, untilize_ocb_ = 0;
};

}  // namespace tensix_emu
