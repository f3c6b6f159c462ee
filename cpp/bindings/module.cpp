// SPDX-License-Identifier: Apache-2.0
//
// The extension module layernorm_fused_rm._C (bindings per concern: bindings.hpp).
#include "bindings/bindings.hpp"

NB_MODULE(_C, m) {
    m.doc() =
        "C++ core of ttnn.layernorm_fused_rm: the tt-metal mirror (program descriptor types, data formats, arch "
        "parameters), the op (types, validation, program factories) and the host Tensix emulator (EmuDevice).";
    layernorm_fused_rm::bindings::bind_mirror(m);
    layernorm_fused_rm::bindings::bind_op(m);
    layernorm_fused_rm::bindings::bind_model(m);
    layernorm_fused_rm::bindings::bind_emulator(m);
}
