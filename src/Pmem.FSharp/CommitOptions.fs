namespace Pmem.FSharp

[<RequireQualifiedAccess>]
type StoreHint =
    | Auto
    | NonTemporal
    | Temporal

type CommitOptions = { Stores: StoreHint; FinalDrain: bool }

[<RequireQualifiedAccess>]
module CommitOptions =
    let defaults = { Stores = StoreHint.Auto; FinalDrain = true }
