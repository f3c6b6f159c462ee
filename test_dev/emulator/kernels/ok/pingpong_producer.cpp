// Pushes N pages into c_0 one at a time (CT arg 0: N).
#include "api/dataflow/dataflow_api.h"
void kernel_main() {
    for (uint32_t i = 0; i < get_compile_time_arg_val(0); ++i) {
        cb_reserve_back(0, 1);
        cb_push_back(0, 1);
    }
}
