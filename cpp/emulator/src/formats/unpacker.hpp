// SPDX-License-Identifier: Apache-2.0
//
// Room "formats": the unpacker, L1 -> SrcA / SrcB (or straight to DEST), and the data-format configuration rule
// it shares with the packer.
//
// - Conversion on the way in: numerics.hpp, point 1 (to_src). A Float32 CB listed as UnpackToDestFp32 in the
//   kernel's ComputeConfigDescriptor, with fp32 DEST, bypasses SrcA for copy_tile, tilize and unary_bcast (A2D to
//   DEST, exact). unary_bcast takes that path when the CB's unpack destination format is Float32
//   (api/compute/bcast.h get_operand_dst_format, "SrcB is only 19bits wide"), i.e. only for a marked CB; an
//   unmarked Float32 CB goes through SrcB as TF32.
// - Rule: no FPU read through SrcA/SrcB (binary, broadcast, reduce) of a Float32 CB marked UnpackToDestFp32
//   (require_src_readable): its unpack destination format is Float32, which SrcA/SrcB cannot hold (ISA
//   UNPACR_Regular.md: FP32 out to SrcA/SrcB is UndefinedBehaviour; tt-llk common/inc/cunpack_common.h
//   is_unpacker_format_conversion_supported_dest(Float32, Float32, unpack_to_dest=false) is false).
// - Format configuration: compute_kernel_hw_startup(icb0, icb1, ocb) configures SrcA for icb0, SrcB for icb1 and
//   the packer for ocb (llk_unpack_hw_configure / llk_pack_hw_configure, api/compute/compute_kernel_hw_startup.h);
//   only reconfig_data_format* / pack_reconfig_data_format change them afterwards (api/compute/
//   reconfig_data_format.h), and a few inits named in the packer. A call reading or writing a CB whose format
//   differs from the configured one is refused: silicon would reinterpret the bytes.
// - Tiles are read from the CB's read pointer, counting pages as tiles, only within what cb_wait_front granted.
#pragma once

#include <cstdint>
#include <string>

#include <tt-metalium/program_descriptors.hpp>

#include "cb/circular_buffer.hpp"
#include "math/fidelity.hpp"

namespace tensix_emu {

/// Data format the unpacker's SrcA / SrcB or the packer is configured for, and which call configured it.
struct FormatState {
    bool set = false;
    tt::DataFormat format = tt::DataFormat::Float16_b;
    int32_t cb = -1;
    std::string by;
};

/// The format rule: CB `icb`'s format must be the one `unit` ("unpacker (SrcA)", "unpacker (SrcB)", "packer") is
/// configured for. Throws KernelFailure naming the configuring call; an unconfigured CB is left to the call's own
/// CB lookup.
void require_format(const FormatState& st, const char* unit, const CoreCBs& cbs, uint32_t icb, const char* call);

/// Where an unpack lands: SrcA/SrcB always, or DEST (exact) under the call's condition (see above).
enum class UnpackTo { SrcRegister, DestIfUnpackToDestFp32 };

/// The unpacker state of one compute kernel.
class Unpacker {
public:
    /// From the kernel's compute config: fp32 DEST and the per-CB UnpackToDestFp32 flags.
    void configure(const tt::tt_metal::ComputeConfigDescriptor& cc);

    FormatState srca, srcb;

    void require_srca(const CoreCBs& cbs, uint32_t icb, const char* call) const {
        require_format(srca, "unpacker (SrcA)", cbs, icb, call);
    }
    void require_srcb(const CoreCBs& cbs, uint32_t icb, const char* call) const {
        require_format(srcb, "unpacker (SrcB)", cbs, icb, call);
    }

    /// Reads tile `itile` past the read pointer of CB `c` (index icb, in the L1 whose host base is `l1`) into
    /// `out` in logical order, as the unpacker delivers it. Throws KernelFailure when the tile was not waited
    /// for, lies past the end of the CB, or the CB's pages are not tile-sized.
    void read_tile(const CBState& c, const uint8_t* l1, uint32_t icb, uint32_t itile, float* out, const char* call,
                   UnpackTo to = UnpackTo::SrcRegister) const;

    /// The UnpackToDestFp32 rule above for CB icb read through `operand` ("SrcA" / "SrcB") by `call`: throws
    /// KernelFailure naming the call, CB, formats and sources.
    void require_src_readable(const CoreCBs& cbs, uint32_t icb, const char* operand, const char* call) const;
    /// ISA "SrcAStyle" of the FPU with CB icb in SrcA: TF32 for a Float32 CB with fp32 DEST, else BF16.
    math::SrcStyle srca_style(const CoreCBs& cbs, uint32_t icb) const;
    /// tilize_block's input checks: tile-sized pages, `block` pages waited for.
    void check_tilize_input(const CBState& in, uint32_t icb, uint32_t block, const std::string& call) const;
    /// Unpack-tilize of tile t of the row-major block (32 sticks of `block` tiles' width) at the read pointer of
    /// `in`, to SrcA, or to DEST exactly for a Float32 UnpackToDestFp32 CB with fp32 DEST.
    void read_tilize_tile(const CBState& in, const uint8_t* l1, uint32_t icb, uint32_t block, uint32_t t,
                          float* out) const;

private:
    bool straight_to_dest(const CBState& c, uint32_t icb, UnpackTo to) const;

    bool fp32_dest_ = false;
    bool unpack_to_dest_fp32_[kNumCBs] = {};
};

}  // namespace tensix_emu
