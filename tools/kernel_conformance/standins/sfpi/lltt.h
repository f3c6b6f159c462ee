// Stand-in for SFPI's lltt.h (the replay-buffer helpers), written for tools/kernel_conformance.
//
// The ttnn wheel does not ship the SFPI toolchain headers, yet tt-llk's unpack and pack headers
// include lltt.h. These declarations carry the signatures tt-llk 0.81.1 calls them with (read off
// its call sites); they have no bodies: this check parses, it never links or runs. replay_insn is
// constexpr because tt-llk initialises constexpr variables with it; its value is meaningless here.
#pragma once

#include <cstdint>

namespace lltt {
enum ExecBool : bool { NoExec = false, Exec = true };
template <ExecBool exec = NoExec>
void record(std::uint32_t start, std::uint32_t length);
void replay(std::uint32_t start, std::uint32_t length);
constexpr std::uint32_t replay_insn(std::uint32_t start, std::uint32_t length) { return (start << 16) | length; }
}  // namespace lltt
