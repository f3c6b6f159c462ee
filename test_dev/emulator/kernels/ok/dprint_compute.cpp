// DPRINT from a compute kernel: a plain DPRINT runs on each of TRISC0/1/2; DPRINT_UNPACK/MATH/PACK on one.
#include <cstdint>
#include "api/compute/compute_kernel_api.h"
#include "api/debug/dprint.h"

void kernel_main() {
    DPRINT("compute {}\n", 1);
    DPRINT_UNPACK("unpack {}\n", 2);
    DPRINT_MATH("math {}\n", 3);
    DPRINT_PACK("pack {}\n", 4);
    DPRINT_DATA0("never in a compute kernel\n");
}
