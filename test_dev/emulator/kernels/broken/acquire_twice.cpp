// BROKEN: tile_regs_acquire twice.
#include "api/compute/compute_kernel_api.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 0, 16);
    tile_regs_acquire();
    tile_regs_acquire();
}
