using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Reflection;

namespace Pmem.Bench.Native;

/// <summary>The outcome of building the C peer: the library's path, or what is missing and how to install it.</summary>
internal sealed record PeerBuild(string? LibraryPath, string? Problem);

/// <summary>
/// Compiles the C peer with gcc against Debian's libpmem. The source ships inside this assembly (from
/// <c>bench/peer/pmem_peer.c</c>) so the peer can be built wherever the bench runs; nothing prebuilt is kept.
/// </summary>
internal static class PeerBuilder
{
    /// <summary>The command that installs what the peer needs on Debian.</summary>
    public const string InstallCommand = "apt-get install -y libpmem1 libpmem-dev";

    private const string SourceName = "pmem_peer.c";
    private const string LibraryName = "libpmempeer.so";

    /// <summary>Writes the source to <paramref name="directory"/> and compiles it unless an up-to-date build is there.</summary>
    public static PeerBuild Build(string directory, TextWriter log)
    {
        Directory.CreateDirectory(directory);
        string source = ReadEmbeddedSource();
        string sourcePath = Path.Combine(directory, SourceName);
        string libraryPath = Path.Combine(directory, LibraryName);
        bool sourceUnchanged = File.Exists(sourcePath) && File.ReadAllText(sourcePath) == source;
        if (sourceUnchanged && File.Exists(libraryPath) && File.GetLastWriteTimeUtc(libraryPath) >= File.GetLastWriteTimeUtc(sourcePath))
        {
            return new PeerBuild(libraryPath, null);
        }

        File.WriteAllText(sourcePath, source);
        File.Delete(libraryPath);
        string[] arguments = ["-O2", "-std=gnu11", "-fPIC", "-shared", "-Wall", "-Wextra", "-o", libraryPath, sourcePath, "-lpmem"];
        log.WriteLine($"Building the C peer: gcc {string.Join(' ', arguments)}");
        (int exitCode, string output) result;
        try
        {
            result = RunProcess("gcc", arguments);
        }
        catch (Win32Exception)
        {
            return new PeerBuild(null, $"gcc was not found. Install the compiler and libpmem's headers: apt-get install -y gcc libpmem1 libpmem-dev");
        }

        if (result.exitCode != 0)
        {
            string missing = result.output.Contains("libpmem.h", StringComparison.Ordinal) || result.output.Contains("-lpmem", StringComparison.Ordinal)
                ? "libpmem's headers or library are missing"
                : "gcc failed";
            return new PeerBuild(null, $"{missing}; install them with: {InstallCommand}\n{result.output.TrimEnd()}");
        }

        return new PeerBuild(libraryPath, null);
    }

    /// <summary>The version of the Debian package libpmem1, or <see langword="null"/> when dpkg cannot say.</summary>
    public static string? DebianPackageVersion(string package)
    {
        try
        {
            (int exitCode, string output) = RunProcess("dpkg-query", ["-W", "-f=${Version}", package]);
            return exitCode == 0 && output.Length > 0 ? output.Trim() : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private static string ReadEmbeddedSource()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(SourceName)
            ?? throw new InvalidOperationException($"{SourceName} is not embedded in {typeof(PeerBuilder).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static (int ExitCode, string Output) RunProcess(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using Process process = Process.Start(info) ?? throw new Win32Exception($"could not start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
