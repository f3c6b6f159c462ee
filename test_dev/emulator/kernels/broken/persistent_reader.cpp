// Pushes one page of c_0 once: a persistent input (like gamma), to be waited on for every block.
#include "api/dataflow/dataflow_api.h"
void kernel_main() {
    cb_reserve_back(0, 1);
    cb_push_back(0, 1);
}
