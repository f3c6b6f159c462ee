// BROKEN: tilize_init before compute_kernel_hw_startup.
#include "api/compute/compute_kernel_api.h"
#include "api/compute/tilize.h"
void kernel_main() {
    tilize_init(0, 1, 16);
    compute_kernel_hw_startup(0, 0, 16);
}
