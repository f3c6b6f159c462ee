// TileSlice from a compute kernel: TRISC0 (unpack) reads c_0 at its read pointer; TRISC1 (math) cannot.
#include <cstdint>
#include "api/compute/compute_kernel_api.h"
#include "api/debug/dprint.h"

void kernel_main() {
    cb_wait_front(0, 1);
    DPRINT_UNPACK("unpack {}", TileSlice(0, 0, SliceRange::hw041()));
    DPRINT_MATH("math {}", TileSlice(0, 0, SliceRange::hw041()));
    cb_pop_front(0, 1);
}
