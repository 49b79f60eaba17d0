using System.Collections.Concurrent;
using DetainerGraph.Data;

namespace DetainerGraph.Facilities;

/// <summary>
/// Facilities by ID, kept for the life of the server, so that a page of detainers does not query the facilities it
/// names again on every request. Exact without invalidation because a facility row never changes once written: the
/// import that first names a facility inserts it (in the import's transaction, so an import that fails leaves no row
/// anyone could have read), later imports reuse it, and nothing updates or deletes facilities (a correction moves a
/// detainer to another facility; it does not edit one). A facility not yet cached is read from the database through
/// the request's batch loader, as before; an ID that matches no row is never cached. At most <see cref="MaxEntries"/>
/// facilities are kept (a few hundred bytes each); past that, the rest are read from the database every time.
/// One instance per server (a singleton), never static: two stores in one process (tests) do not share it.
/// </summary>
public sealed class FacilityCache
{
    /// <summary>How many facilities are kept at most.</summary>
    public const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<int, Facility> _byId = new();

    /// <summary>How many facilities are cached now.</summary>
    public int Count => _byId.Count;

    public bool TryGet(int id, out Facility facility) => _byId.TryGetValue(id, out facility!);

    /// <summary>Keeps a facility read from the database (nothing for null, or once the cache is full); returns it.</summary>
    public Facility? Remember(Facility? facility)
    {
        if (facility is not null && _byId.Count < MaxEntries)
        {
            _byId.TryAdd(facility.Id, facility);
        }
        return facility;
    }
}
