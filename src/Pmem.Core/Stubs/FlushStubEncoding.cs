using System;
using System.Diagnostics;

namespace Pmem;

/// <summary>
/// Machine code for one flush loop per instruction, System V x86-64 ABI: <c>void flush(byte* rdi, nuint rsi)</c>
/// flushes every 64-byte line that intersects <c>[rdi, rdi + rsi)</c>.
/// </summary>
/// <remarks>
/// <code>
///   endbr64                    F3 0F 1E FA      harmless landing pad for indirect-branch tracking
///   test   rsi, rsi            48 85 F6
///   jz     done                74 rel8          nothing to do for length 0
///   lea    rdx, [rdi + rsi]    48 8D 14 37      rdx = end
///   and    rdi, -64            48 83 E7 C0      start at the line containing rdi
/// loop:
///   clwb   [rdi]               66 0F AE 37      (clflushopt: 66 0F AE 3F, clflush: 0F AE 3F)
///   add    rdi, 64             48 83 C7 40
///   cmp    rdi, rdx            48 39 D7
///   jb     loop                72 rel8
/// done:
///   ret                        C3
/// </code>
/// No fence is part of the stub: a drain (SFENCE) completes CLWB and CLFLUSHOPT, and CLFLUSH is ordered by itself.
/// </remarks>
internal static class FlushStubEncoding
{
    private static ReadOnlySpan<byte> Prologue =>
    [
        0xF3, 0x0F, 0x1E, 0xFA,       // endbr64
        0x48, 0x85, 0xF6,             // test rsi, rsi
    ];

    private static ReadOnlySpan<byte> Setup =>
    [
        0x48, 0x8D, 0x14, 0x37,       // lea rdx, [rdi + rsi]
        0x48, 0x83, 0xE7, 0xC0,       // and rdi, -64
    ];

    private static ReadOnlySpan<byte> Advance =>
    [
        0x48, 0x83, 0xC7, 0x40,       // add rdi, 64
        0x48, 0x39, 0xD7,             // cmp rdi, rdx
    ];

    private const byte Jz = 0x74;
    private const byte Jb = 0x72;
    private const byte Ret = 0xC3;

    /// <summary>The flush instruction applied to <c>[rdi]</c>.</summary>
    internal static ReadOnlySpan<byte> Instruction(FlushInstruction instruction) => instruction switch
    {
        FlushInstruction.Clwb => [0x66, 0x0F, 0xAE, 0x37],        // clwb [rdi]       66 0F AE /6
        FlushInstruction.Clflushopt => [0x66, 0x0F, 0xAE, 0x3F],  // clflushopt [rdi] 66 0F AE /7
        FlushInstruction.Clflush => [0x0F, 0xAE, 0x3F],           // clflush [rdi]    0F AE /7
        _ => throw new ArgumentOutOfRangeException(nameof(instruction), instruction, "No encoding for this instruction."),
    };

    /// <summary>The complete stub for <paramref name="instruction"/>.</summary>
    internal static byte[] Encode(FlushInstruction instruction)
    {
        ReadOnlySpan<byte> flush = Instruction(instruction);
        int loopLength = flush.Length + Advance.Length + 2;
        var code = new byte[Prologue.Length + 2 + Setup.Length + loopLength + 1];
        var span = code.AsSpan();

        Prologue.CopyTo(span);
        int i = Prologue.Length;
        span[i++] = Jz;
        span[i++] = checked((byte)(Setup.Length + loopLength));
        Setup.CopyTo(span[i..]);
        i += Setup.Length;
        flush.CopyTo(span[i..]);
        i += flush.Length;
        Advance.CopyTo(span[i..]);
        i += Advance.Length;
        span[i++] = Jb;
        span[i++] = unchecked((byte)(sbyte)-loopLength);
        span[i++] = Ret;

        Debug.Assert(i == code.Length, "every byte of the stub is written");
        return code;
    }
}
