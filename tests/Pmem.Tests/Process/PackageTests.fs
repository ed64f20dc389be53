/// The FSI story end to end: Pmem.Core and Pmem.FSharp are packed with a unique prerelease version into a temporary
/// local feed, and docs/examples/getting_started.fsx runs against it through `#i "nuget: <feed>"` and
/// `#r "nuget: Pmem.FSharp, <version>"` - mapping a file, committing a durable plan, printing the capability report.
/// The packages are checked for what a package consumer relies on (README, XML docs, symbols, license text and
/// expression, repository URL, dependency, PDBs without the build machine's paths, a tool without Windows runtimes),
/// and a project pinned to an older FSharp.Core (10.0.x) restores Pmem.FSharp without NU1605.
module Pmem.Tests.PackageTests

open System
open System.IO
open System.IO.Compression
open System.Reflection.Metadata
open System.Text.RegularExpressions
open System.Xml.Linq
open Expecto
open Pmem.Tests.TestDsl
open Pmem.Tests.Repository

/// Directory.Build.props's VersionPrefix: the one place the version is written.
let private versionPrefix () =
    XDocument.Load(file "Directory.Build.props").Descendants(XName.Get "VersionPrefix")
    |> Seq.exactlyOne
    |> _.Value

/// Where restores on this machine keep packages (dotnet nuget locals global-packages --list).
let private globalPackagesFolder () =
    let ran = dotnet [] [ "nuget"; "locals"; "global-packages"; "--list" ]
    let m = Regex.Match(ran.Out, @"global-packages:\s*(\S.*)")
    Expect.isTrue m.Success $"dotnet nuget locals printed the global packages folder:\n{ran.Out}{ran.Err}"
    m.Groups[1].Value.Trim()

/// The repository URL the test packs with (PmemRepositoryUrl): it must reach the nuspec's repository and projectUrl.
let private repositoryUrl = "https://example.invalid/pmem.git"

/// The lowest FSharp.Core Pmem.FSharp allows: a consumer pinned to it must restore.
let private olderFSharpCore = "10.0.111"

/// Document names in a portable PDB.
let private pdbDocuments (bytes: byte array) =
    use provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(bytes))
    let reader = provider.GetMetadataReader()
    [ for handle in reader.Documents -> reader.GetString(reader.GetDocument(handle).Name) ]

/// The bytes of one entry of a package.
let private entryBytes (nupkg: string) (entry: string) =
    use zip = ZipFile.OpenRead nupkg
    use stream = (zip.GetEntry entry).Open()
    use memory = new MemoryStream()
    stream.CopyTo memory
    memory.ToArray()

/// Packs a project's Release build (as the Pack target does, without rebuilding) into the feed.
let private pack (tmp: string) (feed: string) (nuspecs: string) (suffix: string) (project: string) =
    async {
        return
            dotnet
                [ "TMPDIR", tmp ]
                [ "pack"
                  file project
                  "-c"
                  "Release"
                  "--no-build"
                  "-nodeReuse:false"
                  "-o"
                  feed
                  $"-p:VersionSuffix={suffix}"
                  $"-p:PmemRepositoryUrl={repositoryUrl}"
                  $"-p:NuspecOutputPath={nuspecs}" ]
    }

/// The entries of a package and its nuspec text.
let private contents (nupkg: string) =
    use zip = ZipFile.OpenRead nupkg
    let names = zip.Entries |> Seq.map _.FullName |> Set.ofSeq
    let nuspec = zip.Entries |> Seq.find (fun e -> e.FullName.EndsWith ".nuspec")
    use reader = new StreamReader(nuspec.Open())
    names, reader.ReadToEnd()

let private expectPackage (feed: string) (id: string) (version: string) (dependency: string option) =
    let nupkg = Path.Combine(feed, $"{id}.{version}.nupkg")
    Expect.isTrue (File.Exists nupkg) $"{id} was packed as {nupkg}"
    let names, nuspec = contents nupkg

    for entry in [ "README.md"; "LICENSE"; $"lib/net10.0/{id}.dll"; $"lib/net10.0/{id}.xml" ] do
        Expect.contains names entry $"{id}'s package holds {entry}"

    for element in
        [ $"<version>{version}</version>"
          """<license type="expression">MIT</license>"""
          "<readme>README.md</readme>"
          "<tags>pmem persistent-memory"
          $"<projectUrl>{repositoryUrl}</projectUrl>"
          $"<repository type=\"git\" url=\"{repositoryUrl}\"" ] do
        Expect.stringContains nuspec element $"{id}'s nuspec"

    Expect.stringContains nuspec "<description>" $"{id} has a description"

    match dependency with
    | Some dependency ->
        let element = $"""<dependency id="{dependency}" version="{version}" """
        Expect.stringContains nuspec element $"{id} depends on the same version of {dependency}"
    | None -> ()

    let snupkg = Path.Combine(feed, $"{id}.{version}.snupkg")
    let symbols, _ = contents snupkg
    Expect.contains symbols $"lib/net10.0/{id}.pdb" $"{id}'s symbol package holds the PDB"
    let documents = pdbDocuments (entryBytes snupkg $"lib/net10.0/{id}.pdb")
    Expect.isNonEmpty documents $"{id}'s PDB names its sources"

    for document in documents do
        Expect.isFalse (document.StartsWith(root ())) $"{id}'s PDB names {document}: a path of the build machine"

    nuspec

/// A project pinned to FSharp.Core 10.0.x that references Pmem.FSharp from the feed, with warnings as errors.
let private pinnedConsumer (version: string) =
    $"""<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <DisableImplicitFSharpCoreReference>true</DisableImplicitFSharpCoreReference>
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="Program.fs" />
    <PackageReference Include="FSharp.Core" Version="{olderFSharpCore}" />
    <PackageReference Include="Pmem.FSharp" Version="{version}" />
  </ItemGroup>
</Project>
"""

/// getting_started.fsx with its `#r "nuget: Pmem.FSharp"` pointed at the feed and the version.
let private scriptFor (feed: string) (version: string) =
    let script = File.ReadAllText(file "docs/examples/getting_started.fsx")
    let reference = "#r \"nuget: Pmem.FSharp\""
    Expect.stringContains script reference "getting_started.fsx references the package"
    script.Replace(reference, $"#i \"nuget: {feed}\"\n#r \"nuget: Pmem.FSharp, {version}\"")

/// Sources for the script's restore: the feed only. FSI reads nuget.config from the script's directory; with the
/// machine's sources cleared, the restore never reaches a registry (FSharp.Core comes from the machine's package
/// folder, given as a read-only fallback).
let private nugetConfig (feed: string) =
    $"""<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="pmem-test-feed" value="{feed}" />
  </packageSources>
</configuration>
"""

let tests =
    testList
        "packages"
        [ testCase "Pmem.FSharp from a local feed: FSI maps a file, commits a plan and prints the report"
          <| fun () ->
              releaseOutput "src/Pmem.FSharp/bin/Release/net10.0/Pmem.FSharp.dll" |> ignore
              let suffix = $"test.{DateTime.UtcNow:yyyyMMddHHmmss}.g{Guid.NewGuid():N}".Substring(0, 36)
              let version = $"{versionPrefix ()}-{suffix}"
              use work = diskDir ()
              let feed = work.File "feed"
              let scriptDir = work.File "script"
              Directory.CreateDirectory scriptDir |> ignore
              // The SDK's own temporary directories (pack, restore) go here and are removed with the rest.
              let tmp = work.File "tmp"
              Directory.CreateDirectory tmp |> ignore

              let packs =
                  [ "src/Pmem.Core/Pmem.Core.csproj"; "src/Pmem.FSharp/Pmem.FSharp.fsproj"; "src/Pmem.Cli/Pmem.Cli.fsproj" ]
                  |> List.map (pack tmp feed (work.File "nuspec") suffix)
                  |> Async.Parallel
                  |> Async.RunSynchronously

              for ran in packs do
                  Expect.equal ran.Code 0 $"dotnet pack exits 0:\n{ran.Out}\n{ran.Err}"

              expectPackage feed "Pmem.Core" version None |> ignore
              let nuspec = expectPackage feed "Pmem.FSharp" version (Some "Pmem.Core")
              let fsharpCore = Regex.Match(nuspec, """<dependency id="FSharp.Core" version="([^"]+)" """)
              Expect.isTrue fsharpCore.Success $"Pmem.FSharp depends on FSharp.Core:\n{nuspec}"
              Expect.equal fsharpCore.Groups[1].Value olderFSharpCore "the lowest FSharp.Core the code needs"

              let script = Path.Combine(scriptDir, "getting_started.fsx")
              File.WriteAllText(script, scriptFor feed version)
              File.WriteAllText(Path.Combine(scriptDir, "nuget.config"), nugetConfig feed)
              // A private package folder: the test versions never reach the machine's cache.
              let packages = work.File "packages"

              let ran =
                  dotnet
                      [ "NUGET_PACKAGES", packages
                        "NUGET_FALLBACK_PACKAGES", globalPackagesFolder ()
                        "TMPDIR", tmp ]
                      [ "fsi"; "--quiet"; script ]

              Expect.equal ran.Code 0 $"the script exits 0; stdout:\n{ran.Out}\nstderr:\n{ran.Err}"

              for line in
                  [ "Pmem capabilities"
                    "mapped "
                    "committed: 24 bytes published"
                    "read back: hello, persistent memory" ] do
                  Expect.stringContains ran.Out line "the script's output"

              Expect.isTrue
                  (Directory.Exists(Path.Combine(packages, "pmem.fsharp", version)))
                  "Pmem.FSharp was restored from the feed into the private package folder"

              // The tool package: runs on Linux x86-64 only, so no Windows-only runtime assets.
              let tool, _ = contents (Path.Combine(feed, $"Pmem.Cli.{version}.nupkg"))
              Expect.contains tool "LICENSE" "the tool package holds the license"
              let windows = tool |> Set.filter (fun entry -> entry.Contains "runtimes/win")
              Expect.isEmpty windows "the tool package ships no Windows runtimes"

              // A project pinned to the older FSharp.Core restores Pmem.FSharp without NU1605 (warnings are errors).
              let consumer = work.File "consumer"
              Directory.CreateDirectory consumer |> ignore
              File.WriteAllText(Path.Combine(consumer, "consumer.fsproj"), pinnedConsumer version)
              File.WriteAllText(Path.Combine(consumer, "Program.fs"), "printfn \"%A\" Pmem.FSharp.MapOptions.existing\n")
              File.WriteAllText(Path.Combine(consumer, "nuget.config"), nugetConfig feed)

              let restored =
                  dotnet
                      [ "NUGET_PACKAGES", packages
                        "NUGET_FALLBACK_PACKAGES", globalPackagesFolder ()
                        "TMPDIR", tmp ]
                      [ "restore"; consumer; "-nodeReuse:false" ]

              Expect.equal restored.Code 0 $"the pinned consumer restores:\n{restored.Out}\n{restored.Err}"
              Expect.isFalse (restored.Out.Contains "NU1605") "no downgrade warning" ]
