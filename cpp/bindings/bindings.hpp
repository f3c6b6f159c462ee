// SPDX-License-Identifier: Apache-2.0
//
// The extension module layernorm_fused_rm._C is bound per concern, each in its own file:
//   bind_mirror.cpp    the tt-metal mirror (cpp/tt_metal_mirror): descriptor types, data formats, arch parameters
//   bind_op.cpp        the op (cpp/device, cpp/layernorm_fused_rm.hpp): its types, validate, program factories
//   bind_model.cpp     the op's device-time model (cpp/device/layernorm_fused_rm_device_model.hpp): _C.model
//   bind_emulator.cpp  the host Tensix emulator (cpp/emulator): EmuDevice, RunStats, its errors, JIT folders
// module.cpp calls them in that order (the op and the emulator refer to the mirror's Python types).
#pragma once

#include <nanobind/nanobind.h>

#include <vector>

#include <tt-metalium/program_descriptors.hpp>

// Lists of descriptor structs are bound as mutable Python sequences whose items are references into the
// descriptor (desc.kernels[0].runtime_args = ... changes the descriptor; as with any reference into a
// std::vector, an item obtained before the list grows must not be used after). Lists of plain values (ints,
// strings, pairs) and the config variant convert to/from Python values: reading gives a copy, assign to change.
// Declared here so every translation unit of the module agrees that these vectors are opaque.
NB_MAKE_OPAQUE(std::vector<CoreRange>)
NB_MAKE_OPAQUE(std::vector<tt::tt_metal::CBFormatDescriptor>)
NB_MAKE_OPAQUE(std::vector<tt::tt_metal::CBDescriptor>)
NB_MAKE_OPAQUE(std::vector<tt::tt_metal::KernelDescriptor>)
NB_MAKE_OPAQUE(std::vector<tt::tt_metal::SemaphoreDescriptor>)

namespace layernorm_fused_rm::bindings {

void bind_mirror(nanobind::module_& m);
void bind_op(nanobind::module_& m);
void bind_model(nanobind::module_& m);
void bind_emulator(nanobind::module_& m);

}  // namespace layernorm_fused_rm::bindings
