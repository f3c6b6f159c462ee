// TileSlice from a data-movement kernel (reader, NCRISC): fills one bf16 tile of c_0 with v(h, w) = h - w / 4
// (exact in bf16) in face-major order, prints slices of it at the CB's write pointer, pushes it.
#include <cstdint>
#include <cstring>
#include "api/dataflow/dataflow_api.h"
#include "api/debug/dprint.h"

void kernel_main() {
    cb_reserve_back(0, 1);
    auto* p = reinterpret_cast<volatile uint16_t*>(get_write_ptr(0));
    for (uint32_t f = 0; f < 4; ++f)
        for (uint32_t r = 0; r < 16; ++r)
            for (uint32_t c = 0; c < 16; ++c) {
                float v = float((f / 2) * 16 + r) - float((f % 2) * 16 + c) / 4.0f;
                uint32_t bits;
                std::memcpy(&bits, &v, 4);
                p[f * 256 + r * 16 + c] = uint16_t(bits >> 16);
            }
    DPRINT("rows {}", TileSlice(0, 0, SliceRange::hw0_32_16(), TSLICE_OUTPUT_CB, TSLICE_WR_PTR));
    DPRINT("row0 {}", TSLICE(0, 0, SliceRange::h0_w0_32(), TSLICE_OUTPUT_CB, TSLICE_WR_PTR));
    DPRINT("cut {}", TileSlice<8>(0, 0, SliceRange{0, 1, 1, 0, 8, 1}, TSLICE_OUTPUT_CB, TSLICE_WR_PTR));
    DPRINT("raw {}|\n", TileSlice(0, 0, SliceRange{0, 1, 1, 16, 18, 1}, TSLICE_OUTPUT_CB, TSLICE_WR_PTR, false, false));
    cb_push_back(0, 1);
}
