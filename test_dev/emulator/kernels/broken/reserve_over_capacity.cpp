// BROKEN: reserves 5 pages of c_0, which holds 4.
#include "api/dataflow/dataflow_api.h"
void kernel_main() { cb_reserve_back(0, 5); }
