// SPDX-License-Identifier: Apache-2.0
//
// Room "math": the DEST register file (see dest.hpp).
#include "math/dest.hpp"

#include <cstring>

#include "kernel_failure.hpp"

namespace tensix_emu {

Dest::Dest() { std::memset(tiles_, 0, sizeof tiles_); }

std::string Dest::mode_text() const {
    return std::string(fp32_ ? "fp32" : "16-bit") + " DEST, " + (full_sync_ ? "full" : "half") + "-sync";
}

void Dest::require(DstState s, const char* call) const {
    if (state_ != s) {
        static const char* names[] = {"released (no tile_regs_acquire)", "acquired (math)",
                                      "committed (tile_regs_commit, no tile_regs_wait)", "waited (pack)"};
        fail(std::string(call) + ": DST is " + names[int(state_)] + ", this call needs it " + names[int(s)]);
    }
}

void Dest::require_index(uint32_t idst, const char* call) const {
    if (idst >= capacity_) {
        fail(std::string(call) + ": DST index " + std::to_string(idst) + " is beyond the " +
             std::to_string(capacity_) + " tiles DST holds in this mode (" + mode_text() + ")");
    }
}

void Dest::acquire() {
    if (state_ != DstState::Idle) {
        fail("tile_regs_acquire: DST is already acquired (acquire twice without tile_regs_release)");
    }
    state_ = DstState::Acquired;
}

void Dest::commit() {
    require(DstState::Acquired, "tile_regs_commit");
    state_ = DstState::Committed;
}

void Dest::wait() {
    require(DstState::Committed, "tile_regs_wait");
    state_ = DstState::Waited;
}

void Dest::release() {
    require(DstState::Waited, "tile_regs_release");
    // The packer clears the DEST section it has packed before handing it back to math.
    std::memset(tiles_, 0, sizeof tiles_);
    state_ = DstState::Idle;
}

}  // namespace tensix_emu
