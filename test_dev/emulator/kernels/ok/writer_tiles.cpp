// Writes N pages of c_16 to the output buffer, one per pop. CT args: 0 N, 1.. TensorAccessorArgs. RT: 0 address.
#include <cstdint>
#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr uint32_t N = get_compile_time_arg_val(0);
    constexpr auto out_args = TensorAccessorArgs<1>();
    const auto out = TensorAccessor(out_args, get_arg_val<uint32_t>(0));
    for (uint32_t i = 0; i < N; ++i) {
        cb_wait_front(16, 1);
        noc_async_write_page(i, out, get_read_ptr(16));
        noc_async_write_barrier();
        cb_pop_front(16, 1);
    }
}
