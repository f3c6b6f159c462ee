// BROKEN: switches from tilize to pack_untilize without tilize_uninit.
#include "api/compute/compute_kernel_api.h"
#include "api/compute/pack_untilize.h"
#include "api/compute/tilize.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 0, 16);
    tilize_init(0, 1, 16);
    pack_untilize_dest_init<1, 1>(16);
}
