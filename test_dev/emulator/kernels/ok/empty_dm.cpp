// SPDX-License-Identifier: Apache-2.0
// A data-movement kernel that does nothing: the cheapest kernel for the JIT's tests (test_jit_parallel.py). With
// BREAK defined it does not compile (#error names BREAK's value).
#include "api/dataflow/dataflow_api.h"

#ifdef BREAK
#error BREAK
#endif

void kernel_main() {}
