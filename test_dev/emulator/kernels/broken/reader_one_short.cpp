// BROKEN: pushes 3 tiles where the consumer waits for 4.
#include "api/dataflow/dataflow_api.h"
void kernel_main() {
    for (int i = 0; i < 3; ++i) {
        cb_reserve_back(0, 1);
        cb_push_back(0, 1);
    }
}
