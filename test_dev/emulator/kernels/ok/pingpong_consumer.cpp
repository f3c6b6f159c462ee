// Pops N pages of c_0 one at a time (CT arg 0: N).
#include "api/compute/compute_kernel_api.h"
void kernel_main() {
    for (uint32_t i = 0; i < get_compile_time_arg_val(0); ++i) {
        cb_wait_front(0, 1);
        cb_pop_front(0, 1);
    }
}
