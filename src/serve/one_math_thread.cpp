#include "serve/one_math_thread.h"

#include <dlfcn.h>
#include <torch/torch.h>

namespace shoprl {

void use_one_math_thread() {
  torch::set_num_threads(1);
  using SetThreads = void (*)(int);
  if (void* symbol = ::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))
    reinterpret_cast<SetThreads>(symbol)(1);
}

}  // namespace shoprl
