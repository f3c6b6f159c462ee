// SPDX-License-Identifier: Apache-2.0
//
// Room "math": the DEST register file (DST) of one compute kernel.
//
// - Capacity: tiles one math/pack half (half-sync) or the whole file (full-sync) holds, 8/16 tiles with a 16-bit
//   DEST, 4/8 with fp32 (tt_metal_mirror::dest_tile_capacity, cpp/tt_metal_mirror/arch/arch_params.hpp). Every
//   DST index a call names is checked against it.
// - Hand-off between math and pack (api/compute/reg_api.h): tile_regs_acquire (math owns DEST) ->
//   tile_regs_commit (math done) -> tile_regs_wait (pack owns DEST) -> tile_regs_release (back to math). Each call
//   is valid in one state only; math calls need it acquired, packs need it waited. The packer clears the section
//   it hands back (DEST reads as zero after a release).
// - Storage: fp32 DEST keeps float32 results; a 16-bit DEST stores BF16, rounded to nearest even for FPU results
//   and truncated by SFPSTORE for SFPU results unless the op rounds in software (formats/numerics.hpp, points 2-3).
#pragma once

#include <cstdint>
#include <string>

#include "formats/numerics.hpp"

namespace tensix_emu {

enum class DstState { Idle, Acquired, Committed, Waited };

/// Most tiles any DEST mode holds (16-bit DEST, full-sync).
inline constexpr uint32_t kMaxDestTiles = 16;

/// The bits the emulator writes where a call leaves DEST values the API does not define (a quiet NaN with a
/// recognisable payload, so a kernel that reads them sees NaN in its output, never a plausible number).
inline constexpr uint32_t kDestPoisonBits = 0x7fc0deadu;

class Dest {
public:
    Dest();

    /// From the kernel's compute config: fp32 DEST, full-sync, and the capacity those give.
    void configure(bool fp32, bool full_sync, uint32_t capacity) {
        fp32_ = fp32;
        full_sync_ = full_sync;
        capacity_ = capacity;
    }
    bool fp32() const { return fp32_; }
    uint32_t capacity() const { return capacity_; }
    /// "fp32 DEST, half-sync" / "16-bit DEST, full-sync": the mode, as error messages name it.
    std::string mode_text() const;

    /// Throw KernelFailure when DEST is not in state s / idst is beyond the capacity.
    void require(DstState s, const char* call) const;
    void require_index(uint32_t idst, const char* call) const;

    // ---- the hand-off (each checks the state it starts from) ----
    void acquire();
    void commit();
    void wait();
    void release();

    float* tile(uint32_t i) { return tiles_[i]; }
    const float* tile(uint32_t i) const { return tiles_[i]; }

    /// An FPU result written into DEST: fp32 as is, 16-bit DEST rounds to nearest even (numerics.hpp, point 2).
    float fpu_write(float v) const { return fp32_ ? v : round_to_bf16(v); }
    /// An SFPU result stored into DEST (numerics.hpp, point 3): 16-bit DEST truncates unless the op rounds in
    /// software (round_nearest_even).
    float sfpu_write(float v, bool round_nearest_even) const {
        return fp32_ ? v : (round_nearest_even ? round_to_bf16(v) : truncate_to_bf16(v));
    }

private:
    bool fp32_ = false;
    bool full_sync_ = false;
    uint32_t capacity_ = 8;
    DstState state_ = DstState::Idle;
    float tiles_[kMaxDestTiles][1024];
};

}  // namespace tensix_emu
