// BROKEN (with a 3-page c_0): produces in chunks of 2 pages; the second chunk would cross the end of the CB.
#include "api/dataflow/dataflow_api.h"
void kernel_main() {
    for (int i = 0; i < 2; ++i) {
        cb_reserve_back(0, 2);
        cb_push_back(0, 2);
        cb_wait_front(0, 2);
        cb_pop_front(0, 2);
    }
}
