// A server scores each request on the thread that serves it: its parallelism is the requests
// in flight. LibTorch's intra-op threads are set by torch::set_num_threads, but the BLAS that
// Debian's LibTorch calls for its matrix products (OpenBLAS) keeps its own pool, whose idle
// threads spin in sched_yield beside the workers; measured on the 100,000-item GRU policy, it
// cost a third of the throughput (bench/README.md, "`shoprl bench serve`").
#pragma once

namespace shoprl {

// torch::set_num_threads(1), and openblas_set_num_threads(1) where OpenBLAS is loaded (looked
// up at run time: a LibTorch built on MKL has none).
void use_one_math_thread();

}  // namespace shoprl
