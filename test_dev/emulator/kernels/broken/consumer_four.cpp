#include "api/compute/compute_kernel_api.h"
void kernel_main() {
    cb_wait_front(0, 4);
    cb_pop_front(0, 4);
}
