// BROKEN: pops the persistent c_0 inside the block loop; the second block waits for a page that never comes.
#include "api/compute/compute_kernel_api.h"
void kernel_main() {
    for (int block = 0; block < 2; ++block) {
        cb_wait_front(0, 1);
        cb_pop_front(0, 1);
    }
}
