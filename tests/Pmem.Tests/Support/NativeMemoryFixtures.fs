/// NativeBytes: memory that no array backs (a MemoryManager over native memory), for tests of the paths that write it.
module Pmem.Tests.NativeMemoryFixtures

open System

/// Memory that no array backs (a MemoryManager over native memory), for the paths that write memory no array backs.
type NativeBytes(contents: byte array) =
    inherit System.Buffers.MemoryManager<byte>()
    let pointer = System.Runtime.InteropServices.NativeMemory.Alloc(unativeint contents.Length)

    do contents.AsSpan().CopyTo(System.Span<byte>(pointer, contents.Length))

    override _.GetSpan() = System.Span<byte>(pointer, contents.Length)
    override _.Pin(_) = new System.Buffers.MemoryHandle(pointer)
    override _.Unpin() = ()

    override _.Dispose(_) =
        System.Runtime.InteropServices.NativeMemory.Free pointer
