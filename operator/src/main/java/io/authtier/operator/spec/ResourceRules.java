package io.authtier.operator.spec;

import io.authtier.operator.dependents.Quantities;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The rules Kubernetes applies to a container's resources, for spec.runtime.resources: the API server refuses
 * a Deployment that breaks one (422 Invalid), so the operator refuses the spec first, naming the field and the
 * fix. Resource names: cpu, memory, ephemeral-storage, hugepages-&lt;page size&gt;, or an extended resource with
 * its domain; amounts: quantities of 0 or more, whole numbers for extended resources, whole pages for
 * hugepages; neither of those two overcommitted (a request needs an equal limit); no request above its limit.
 */
final class ResourceRules {
  private static final String AT = "spec.runtime.resources";
  private static final Set<String> STANDARD = Set.of("cpu", "memory", "ephemeral-storage");
  private static final String HUGEPAGES = "hugepages-";
  /** The name part of a qualified name, as Kubernetes checks it. */
  private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  /** A name that a field path can carry after a dot; others go in brackets, as Kubernetes writes them. */
  private static final Pattern PLAIN = Pattern.compile("^[A-Za-z0-9][-A-Za-z0-9]*$");

  private ResourceRules() {}

  /** What Kubernetes makes of a resource name in a container. */
  private enum Kind {
    /** cpu, memory, ephemeral-storage: may be overcommitted (request below limit). */
    STANDARD,
    HUGEPAGES,
    /** A resource a device plugin or the cluster offers, such as nvidia.com/gpu: counted in whole units. */
    EXTENDED,
    UNKNOWN;

    boolean overcommitted() {
      return this == STANDARD;
    }
  }

  static void check(ResourceRequirements resources, Consumer<SpecProblem> report) {
    if (resources == null) {
      return;
    }
    var requests = resources.getRequests() == null ? Map.<String, Quantity>of() : resources.getRequests();
    var limits = resources.getLimits() == null ? Map.<String, Quantity>of() : resources.getLimits();
    var requestsOk = amounts(AT + ".requests", requests, report);
    var limitsOk = amounts(AT + ".limits", limits, report);
    requests.forEach((name, request) -> {
      if (!requestsOk.contains(name)) {
        return;
      }
      var limit = limits.get(name);
      var at = field(AT + ".requests", name);
      var limitAt = field(AT + ".limits", name);
      if (!kind(name).overcommitted() && limit == null) {
        report.accept(new SpecProblem(at, "(" + request + ") needs " + limitAt + " of the same amount: Kubernetes does not"
            + " overcommit extended resources and hugepages, and refuses a request without its limit; add the limit"));
      } else if (limit == null || !limitsOk.contains(name)) {
        return;
      } else if (!kind(name).overcommitted() && amount(request).compareTo(amount(limit)) != 0) {
        report.accept(new SpecProblem(at, "(" + request + ") must equal " + limitAt + " (" + limit + "): Kubernetes does"
            + " not overcommit extended resources and hugepages; set both to the same amount"));
      } else if (amount(request).compareTo(amount(limit)) > 0) {
        report.accept(new SpecProblem(at, "(" + request + ") must not exceed " + limitAt + " (" + limit + ");"
            + " Kubernetes refuses such a pod: lower the request or raise the limit"));
      }
    });
    // A claim must name one of the pod's resourceClaims, and the operator gives the pod none.
    if (resources.getClaims() != null && !resources.getClaims().isEmpty()) {
      report.accept(new SpecProblem(AT + ".claims", "is not supported: the runtime's pods have no "
          + "resourceClaims for a claim to name; remove it"));
    }
  }

  /** Checks each name and amount of requests or limits; returns the names whose amounts can be compared. */
  private static Set<String> amounts(String at, Map<String, Quantity> values, Consumer<SpecProblem> report) {
    var fine = new HashSet<String>();
    values.forEach((name, quantity) -> {
      var field = field(at, name);
      var kind = kind(name);
      if (kind == Kind.UNKNOWN) {
        report.accept(new SpecProblem(field, "'" + name + "' is not a resource Kubernetes gives a container; use cpu,"
            + " memory, ephemeral-storage, hugepages-<page size> (such as hugepages-2Mi), or an extended resource named"
            + " with its domain (such as nvidia.com/gpu)"));
        return;
      }
      var problem = amountProblem(name, kind, quantity);
      problem.ifPresentOrElse(p -> report.accept(new SpecProblem(field, p)), () -> fine.add(name));
    });
    return fine;
  }

  private static Optional<String> amountProblem(String name, Kind kind, Quantity quantity) {
    var text = quantity == null ? "" : quantity.getAmount() + (quantity.getFormat() == null ? "" : quantity.getFormat());
    try {
      Quantities.canonical(text);
    } catch (IllegalArgumentException e) {
      return Optional.of("'" + text + "' must be a quantity, such as " + example(name, kind));
    }
    if (text.startsWith("-")) {
      return Optional.of("'" + text + "' is negative, which Kubernetes refuses; write 0 or more, such as " + example(name, kind));
    }
    var amount = amount(quantity);
    if (kind == Kind.EXTENDED && amount.stripTrailingZeros().scale() > 0) {
      return Optional.of("'" + text + "' is not a whole number; an extended resource is counted in units, such as 1");
    }
    if (kind == Kind.HUGEPAGES) {
      var page = amount(new Quantity(name.substring(HUGEPAGES.length())));
      if (amount.remainder(page).signum() != 0) {
        var size = name.substring(HUGEPAGES.length());
        return Optional.of("'" + text + "' is not a whole number of " + size + " pages; write a multiple of " + size);
      }
    }
    return Optional.empty();
  }

  private static Kind kind(String name) {
    if (STANDARD.contains(name)) {
      return Kind.STANDARD;
    }
    if (name.startsWith(HUGEPAGES)) {
      var page = name.substring(HUGEPAGES.length());
      try {
        Quantities.canonical(page);
        return !page.startsWith("-") && !page.startsWith("+") && amount(new Quantity(page)).signum() > 0
            ? Kind.HUGEPAGES : Kind.UNKNOWN;
      } catch (IllegalArgumentException e) {
        return Kind.UNKNOWN;
      }
    }
    // Kubernetes' extended resources: <domain>/<name>, outside kubernetes.io, and not a quota's requests.* name.
    var slash = name.indexOf('/');
    if (slash < 0 || slash != name.lastIndexOf('/') || name.startsWith("requests.")) {
      return Kind.UNKNOWN;
    }
    var domain = name.substring(0, slash);
    var local = name.substring(slash + 1);
    boolean kubernetesDomain = domain.equals("kubernetes.io") || domain.endsWith(".kubernetes.io");
    return !kubernetesDomain && DNS_SUBDOMAIN.matcher(domain).matches() && domain.length() <= 253 - "requests.".length()
        && NAME.matcher(local).matches() && local.length() <= 63 ? Kind.EXTENDED : Kind.UNKNOWN;
  }

  private static BigDecimal amount(Quantity quantity) {
    return Quantity.getAmountInBytes(quantity);
  }

  private static String example(String name, Kind kind) {
    return switch (kind) {
      case STANDARD -> name.equals("cpu") ? "500m or 1" : "256Mi or 1Gi";
      case HUGEPAGES -> name.substring(HUGEPAGES.length());
      case EXTENDED, UNKNOWN -> "1";
    };
  }

  /** {@code spec.runtime.resources.requests.cpu}, or {@code ...requests[nvidia.com/gpu]} for a name with a dot or slash. */
  static String field(String at, String name) {
    return PLAIN.matcher(name).matches() ? at + "." + name : at + "[" + name + "]";
  }
}
