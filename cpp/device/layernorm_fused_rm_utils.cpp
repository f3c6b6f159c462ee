// SPDX-License-Identifier: Apache-2.0
#include "device/layernorm_fused_rm_utils.hpp"

#include <stdexcept>

namespace layernorm_fused_rm {

uint64_t volume(const std::vector<uint32_t>& shape) {
    uint64_t v = 1;
    for (uint32_t d : shape) {
        v *= d;
    }
    return v;
}

std::string shape_str(const std::vector<uint32_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        s += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return s + "]";
}

DataFormat data_format_of(DType dtype) {
    switch (dtype) {
        case DType::BFLOAT16: return DataFormat::Float16_b;
        case DType::FLOAT32: return DataFormat::Float32;
        default: break;
    }
    throw std::invalid_argument(std::string("ttnn.layernorm_fused_rm: no data format for dtype ") + to_string(dtype) +
                                " (the op computes in BFLOAT16 or FLOAT32)");
}

}  // namespace layernorm_fused_rm
