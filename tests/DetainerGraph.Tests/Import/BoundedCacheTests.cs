using DetainerGraph.Import;

namespace DetainerGraph.Tests.Import;

/// <summary>The import's get-or-add cache: each key's value made once and reused, and never more keys kept than its capacity.</summary>
public sealed class BoundedCacheTests
{
    [Fact]
    public void A_key_asked_again_gets_the_value_made_the_first_time_without_making_another()
    {
        var cache = new BoundedCache<string, object>(4);
        var made = 0;
        var first = cache.GetOrAdd("Travis", 0, (_, _) => { made++; return new object(); });
        var second = cache.GetOrAdd("Travis", 0, (_, _) => { made++; return new object(); });

        Assert.Same(first, second);
        Assert.Equal(1, made);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Past_its_capacity_a_new_key_is_made_each_time_and_not_kept_while_the_kept_keys_are_still_reused()
    {
        var cache = new BoundedCache<int, string>(3);
        var made = new List<int>();
        string Make(int key, List<int> log)
        {
            log.Add(key);
            return $"value {key}";
        }
        foreach (var key in new[] { 1, 2, 3, 4, 4, 5, 1, 2, 3 })
        {
            Assert.Equal($"value {key}", cache.GetOrAdd(key, made, Make));
        }

        Assert.Equal(3, cache.Count);
        // 1, 2 and 3 were kept and made once; 4 and 5 came after the cache was full and were made at each ask.
        Assert.Equal([1, 2, 3, 4, 4, 5], made);
    }

    [Fact]
    public void The_given_comparer_decides_which_keys_are_the_same()
    {
        var cache = new BoundedCache<string, string>(8, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("TRAVIS", cache.GetOrAdd("Travis", 0, (k, _) => k.ToUpperInvariant()));
        Assert.Equal("TRAVIS", cache.GetOrAdd("travis", 0, (k, _) => "made again"));
        Assert.Equal(1, cache.Count);

        // By reference: two equal strings that are different instances are two keys.
        var byReference = new BoundedCache<string, int>(8, ReferenceEqualityComparer.Instance);
        var a = new string('x', 3);
        var b = new string('x', 3);
        byReference.GetOrAdd(a, 0, (_, _) => 1);
        Assert.Equal(2, byReference.GetOrAdd(b, 0, (_, _) => 2));
        Assert.Equal(2, byReference.Count);
    }
}
