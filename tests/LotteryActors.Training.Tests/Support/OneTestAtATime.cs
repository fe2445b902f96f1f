// One test at a time in this assembly. A CI run's test host died here with a segfault in libtorch_cpu.so on a test
// thread (the kernel's line: a locked increment of a reference count, writing to unmapped memory): a tensor used after
// it was freed. Many of these tests leave temporaries to the garbage collector (count_nonzero().item<long>() in an
// assertion), and TorchSharp's methods read a tensor's native handle and call libtorch without keeping the managed
// wrapper alive, so a collection started by another test's thread can run the wrapper's finalizer, which frees the
// handle, while libtorch still reads it. With one test running, the threads that allocate are far fewer. The trainers
// themselves work inside dispose scopes, which hold every temporary until the step ends. On a quiet 2-core machine the
// assembly takes 21 s one test at a time against 13-16 s in parallel.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
