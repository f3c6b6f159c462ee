// BROKEN: pushes 2 pages after reserving 1.
#include "api/dataflow/dataflow_api.h"
void kernel_main() {
    cb_reserve_back(0, 1);
    cb_push_back(0, 2);
}
