using System;

namespace Pmem;

/// <summary>
/// Machine code for the three MOVDIR64B line loops, System V x86-64 ABI:
/// <c>void loop(byte* rdi /*dest*/, byte* rsi /*src*/, nuint rdx /*bytes*/)</c>, where <c>rdi</c> is 64-byte
/// aligned and <c>rdx</c> a multiple of 64. MOVDIR64B (<c>66 0F 38 F8 /r</c>) reads 64 bytes from the memory operand
/// (any alignment) and writes them as one 64-byte direct store to the address in the register operand, which must
/// be 64-byte aligned (#GP otherwise). The store bypasses the caches and is weakly ordered, like a non-temporal store:
/// an SFENCE completes it. No fence is part of a stub; the copy engine decides (see <see cref="CopyEngine"/>).
/// </summary>
/// <remarks>
/// Checked against GNU as (<c>.intel_syntax noprefix</c>, <c>objdump -d</c>):
/// <code>
/// forward:                                   backward:
///   endbr64              F3 0F 1E FA           endbr64              F3 0F 1E FA
///   test   rdx, rdx      48 85 D2              test   rdx, rdx      48 85 D2
///   jz     done          74 13                 jz     done          74 19
/// loop:                                        add    rdi, rdx      48 01 D7
///   movdir64b rdi,[rsi]  66 0F 38 F8 3E        add    rsi, rdx      48 01 D6
///   add    rdi, 64       48 83 C7 40         loop:
///   add    rsi, 64       48 83 C6 40           sub    rdi, 64       48 83 EF 40
///   sub    rdx, 64       48 83 EA 40           sub    rsi, 64       48 83 EE 40
///   jnz    loop          75 ED                 movdir64b rdi,[rsi]  66 0F 38 F8 3E
/// done:                                        sub    rdx, 64       48 83 EA 40
///   ret                  C3                    jnz    loop          75 ED
///                                            done:
/// fill: forward without "add rsi, 64"          ret                  C3
///   (the same 64-byte source line every time; jz 0F, jnz F1)
/// </code>
/// <para>Overlap: every MOVDIR64B reads its whole source line before it stores, and the loops advance away from the
/// source bytes not yet read (forward when the destination is below the source, backward otherwise), so a
/// line-by-line move between overlapping ranges is correct, as with <see cref="LineBlocks"/>.</para>
/// </remarks>
internal static class Movdir64BStubEncoding
{
    /// <summary>The stubs, in the order <see cref="Movdir64BStubs"/> places them.</summary>
    internal enum Loop
    {
        /// <summary>Lowest line first; source advances.</summary>
        Forward = 0,

        /// <summary>Highest line first; source advances.</summary>
        Backward = 1,

        /// <summary>Lowest line first; the source is one 64-byte line, read again for every destination line.</summary>
        Fill = 2,
    }

    /// <summary><c>movdir64b rdi, [rsi]</c>: 66 0F 38 F8, ModRM mod=00 reg=rdi(7) rm=rsi(6).</summary>
    internal static ReadOnlySpan<byte> Instruction => [0x66, 0x0F, 0x38, 0xF8, 0x3E];

    /// <summary>The complete stub for <paramref name="loop"/>.</summary>
    internal static byte[] Encode(Loop loop) => loop switch
    {
        Loop.Forward =>
        [
            0xF3, 0x0F, 0x1E, 0xFA,       // endbr64
            0x48, 0x85, 0xD2,             // test rdx, rdx
            0x74, 0x13,                   // jz done
            0x66, 0x0F, 0x38, 0xF8, 0x3E, // loop: movdir64b rdi, [rsi]
            0x48, 0x83, 0xC7, 0x40,       // add rdi, 64
            0x48, 0x83, 0xC6, 0x40,       // add rsi, 64
            0x48, 0x83, 0xEA, 0x40,       // sub rdx, 64
            0x75, 0xED,                   // jnz loop
            0xC3,                         // done: ret
        ],
        Loop.Backward =>
        [
            0xF3, 0x0F, 0x1E, 0xFA,       // endbr64
            0x48, 0x85, 0xD2,             // test rdx, rdx
            0x74, 0x19,                   // jz done
            0x48, 0x01, 0xD7,             // add rdi, rdx
            0x48, 0x01, 0xD6,             // add rsi, rdx
            0x48, 0x83, 0xEF, 0x40,       // loop: sub rdi, 64
            0x48, 0x83, 0xEE, 0x40,       // sub rsi, 64
            0x66, 0x0F, 0x38, 0xF8, 0x3E, // movdir64b rdi, [rsi]
            0x48, 0x83, 0xEA, 0x40,       // sub rdx, 64
            0x75, 0xED,                   // jnz loop
            0xC3,                         // done: ret
        ],
        Loop.Fill =>
        [
            0xF3, 0x0F, 0x1E, 0xFA,       // endbr64
            0x48, 0x85, 0xD2,             // test rdx, rdx
            0x74, 0x0F,                   // jz done
            0x66, 0x0F, 0x38, 0xF8, 0x3E, // loop: movdir64b rdi, [rsi]
            0x48, 0x83, 0xC7, 0x40,       // add rdi, 64
            0x48, 0x83, 0xEA, 0x40,       // sub rdx, 64
            0x75, 0xF1,                   // jnz loop
            0xC3,                         // done: ret
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(loop), loop, "No such MOVDIR64B loop."),
    };
}
