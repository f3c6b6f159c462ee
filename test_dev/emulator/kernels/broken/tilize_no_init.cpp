// BROKEN: tilize_block without tilize_init.
#include "api/compute/compute_kernel_api.h"
#include "api/compute/tilize.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 0, 16);
    cb_reserve_back(0, 1);
    cb_push_back(0, 1);
    cb_wait_front(0, 1);
    cb_reserve_back(16, 1);
    tilize_block(0, 1, 16);
}
