package io.gtm.engine.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gtm.common.test.TestPorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real headless Chromium, against {@code java -jar engine.jar all} and the provider
 * simulator started as processes: what a user who never read the docs does, and what they see.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPageIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);
  private static final String GOAL = "Find companies that run Kubernetes and are hiring platform engineers";

  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<Process> processes = new ArrayList<>();
  private static Path work;
  private static Path screenshots;
  private static String simulator;
  private static String base;
  private static int httpPort;
  private static String jar;
  private static Process engine;
  private static ChromeDriver driver;

  @BeforeAll
  static void startEngineSimulatorAndBrowser() throws Exception {
    boolean browser = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if ("true".equals(System.getenv("CI"))) {
      assertThat(browser).as("chromium and chromedriver must be installed under CI (apt-get install chromium chromium-driver)").isTrue();
    } else {
      assumeTrue(browser, "chromium and chromedriver are not installed: browser tests skipped");
    }
    jar = System.getProperty("engine.jar", "target/engine.jar");
    assertThat(Path.of(jar)).as("the shaded engine jar (mvn package)").exists();
    work = Files.createTempDirectory("webpage-it");
    screenshots = Path.of(System.getProperty("screenshots.dir", "../docs/screenshots")).toAbsolutePath().normalize();
    Files.createDirectories(screenshots);

    int simPort = TestPorts.free();
    simulator = "http://127.0.0.1:" + simPort;
    start("simulator", Map.of(), "simulator", "--port", String.valueOf(simPort));
    awaitUp(simulator + "/admin/health");

    httpPort = TestPorts.free();
    base = "http://127.0.0.1:" + httpPort;
    engine = startEngine(Map.of());
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString()); // never Selenium Manager
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1280,1000", "--user-data-dir=" + Files.createDirectory(work.resolve("profile")));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @BeforeEach
  void normalProviderLatency() throws Exception {
    for (String provider : List.of("tavily", "newsapi", "greenhouse")) {
      simulatorKnobs(provider, new JsonObject().put("latency_median_ms", 20).put("latency_p99_ms", 60));
    }
  }

  @Test
  void researchOfTwentyDomainsShowsEveryCompanyWithItsConfidenceAndAFinishedProgressBar() throws Exception {
    startResearch(domains("fleet", 20), "quick", 20);
    WebElement job = driver.findElement(By.id("research-job"));
    waitFor(JOB_TIMEOUT).until(d -> "done".equals(job.getAttribute("data-status")) && rows().size() == 20);

    List<WebElement> rows = rows();
    List<Double> confidences = rows.stream()
        .map(r -> r.findElement(By.cssSelector("td.conf")).getText().trim())
        .peek(text -> assertThat(text).matches("\\d\\.\\d\\d"))
        .map(Double::parseDouble).toList();
    assertThat(confidences).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(rows.stream().map(r -> r.getAttribute("data-domain")))
        .containsExactlyInAnyOrderElementsOf(domains("fleet", 20));
    WebElement progress = driver.findElement(By.id("research-progress"));
    assertThat(progress.getAttribute("value")).isEqualTo(progress.getAttribute("max"));
    assertThat(driver.findElements(By.cssSelector("#research-job .milestones li:not(.reached)"))).isEmpty();
    assertThat(driver.findElement(By.id("research-performance")).isDisplayed()).isTrue();
    assertThat(driver.findElement(By.id("research-performance")).getText()).contains("Queries per second");

    // the best company opens to its evidence (links), technologies and signals
    rows.get(0).findElement(By.cssSelector("button.expand")).click();
    WebElement details = waitFor(Duration.ofSeconds(15)).until(
        ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#research-rows tr.detail .details")));
    assertThat(details.getText()).contains("Technologies").contains("Evidence (");
    if (confidences.get(0) > 0) {
      assertThat(details.findElements(By.cssSelector("ul.evidence a[href^='http']"))).isNotEmpty();
    }
    screenshot("research-done.png");
  }

  @Test
  void aSmallBookShowsAllItsChaptersDone() throws Exception {
    Path book = work.resolve("three-chapters.txt");
    Files.writeString(book, smallBook());
    driver.get(base + "/#/documents");
    driver.findElement(By.id("document-file")).sendKeys(book.toString());
    driver.findElement(By.id("document-title")).sendKeys("The Lighthouse Keeper");
    driver.findElement(By.cssSelector("#document-form button[type=submit]")).click();
    waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.urlMatches("#/documents/.+"));

    WebElement job = driver.findElement(By.id("document-job"));
    waitFor(JOB_TIMEOUT).until(d -> "done".equals(job.getAttribute("data-status")) && chapters().size() == 3
        && chapters().stream().allMatch(c -> "done".equals(c.getAttribute("data-status"))));
    List<WebElement> chapters = chapters();
    assertThat(chapters).extracting(c -> c.getAttribute("data-number")).containsExactly("1", "2", "3");
    for (WebElement c : chapters) {
      assertThat(c.findElement(By.cssSelector(".heading")).getText()).contains("CHAPTER");
      assertThat(c.findElement(By.tagName("h4")).getText()).isNotBlank();
    }
    assertThat(driver.findElement(By.cssSelector("#document-job .doc-title")).getText()).isEqualTo("The Lighthouse Keeper");
    assertThat(driver.findElement(By.id("document-status")).getText()).startsWith("3 of 3 chapters summarised");
    screenshot("book-done.png");
  }

  @Test
  void aReportShowsItsCoreThenEverySectionAsReadableLists() throws Exception {
    driver.get(base + "/#/reports");
    driver.findElement(By.id("report-domain")).sendKeys("northwind-logistics.com");
    driver.findElement(By.id("report-goal")).sendKeys(GOAL);
    new Select(driver.findElement(By.id("report-depth"))).selectByValue("quick");
    driver.findElement(By.cssSelector("#report-form button[type=submit]")).click();
    waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.urlMatches("#/reports/.+"));

    WebElement job = driver.findElement(By.id("report-job"));
    waitFor(JOB_TIMEOUT).until(d -> List.of("done", "partial").contains(job.getAttribute("data-status")));
    List<WebElement> parts = driver.findElements(By.cssSelector("#report-job article.part"));
    assertThat(parts).extracting(p -> p.getAttribute("data-name")).containsExactly("profile", "research",
        "recommendations", "financial", "risk", "competitive", "market", "metrics", "validation", "risk_priority");
    for (WebElement part : parts) {
      String status = part.getAttribute("data-status");
      assertThat(status).as(part.getAttribute("data-name")).isIn("done", "failed");
      String body = part.findElement(By.cssSelector(".part-body")).getText();
      if ("done".equals(status)) {
        assertThat(part.findElements(By.cssSelector(".part-body dl.kv"))).as("key/value list").isNotEmpty();
        assertThat(body).doesNotStartWith("{").doesNotContain("\":").doesNotContain("undefined");
      } else {
        assertThat(body).startsWith("Failed: ").doesNotContain("undefined");
      }
    }
    assertThat(driver.findElement(By.cssSelector(".part[data-name=profile]")).getAttribute("data-status")).isEqualTo("done");
    screenshot("report-done.png");
  }

  @Test
  void aReloadWhileTheJobRunsShowsTheEventsSoFarAndTheJobStillCompletes() throws Exception {
    // slow providers and two searches per channel, so that the job is still running when the page reloads
    for (String provider : List.of("tavily", "newsapi", "greenhouse")) {
      simulatorKnobs(provider, new JsonObject().put("latency_median_ms", 250).put("latency_p99_ms", 250));
    }
    startResearch(domains("harbor", 20), "quick", 2);
    WebElement job = driver.findElement(By.id("research-job"));
    waitFor(JOB_TIMEOUT).until(d -> rows().size() >= 2);
    screenshot("research-running.png");
    String url = driver.getCurrentUrl();
    int before = rows().size();
    assertThat(job.getAttribute("data-status")).as("the job must still run when the page reloads").isEqualTo("running");
    assertThat(before).isLessThan(20);

    driver.navigate().refresh();
    assertThat(driver.getCurrentUrl()).isEqualTo(url);
    waitFor(Duration.ofSeconds(10)).until(d -> rows().size() >= before);
    WebElement reloaded = driver.findElement(By.id("research-job"));
    waitFor(JOB_TIMEOUT).until(d -> "done".equals(reloaded.getAttribute("data-status")) && rows().size() == 20);
    assertThat(rows().stream().map(r -> r.getAttribute("data-domain")).distinct().count()).isEqualTo(20);
  }

  @Test
  void aRejectedRequestShowsTheServersMessageAndMarksTheField() throws Exception {
    JsonObject body = researchBody(List.of("localhost"), "quick", 20);
    HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create(base + "/api/research/jobs"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(direct.statusCode()).isBetween(400, 499);
    JsonObject error = new JsonObject(direct.body()).getJsonObject("error");

    driver.get(base + "/#/research");
    fillResearchForm(List.of("localhost"), "quick", 20);
    driver.findElement(By.cssSelector("#research-form button[type=submit]")).click();
    WebElement message = waitFor(Duration.ofSeconds(10)).until(
        ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#research-form .form-error")));
    assertThat(message.getText()).isEqualTo(error.getString("message")).doesNotContain("undefined");
    assertThat(driver.findElement(By.id("research-domains")).getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(driver.getCurrentUrl()).endsWith("#/research");
    screenshot("error.png");

    // no domains at all: the server's own message again, never a made-up one
    driver.findElement(By.id("research-domains")).clear();
    driver.findElement(By.cssSelector("#research-form button[type=submit]")).click();
    waitFor(Duration.ofSeconds(10)).until(d -> !message.getText().equals(error.getString("message")));
    assertThat(message.getText()).contains("company_domains").doesNotContain("undefined");
  }

  /** Runs last: it stops the engine and starts it again, now asking for API keys. */
  @Test
  @Order(Integer.MAX_VALUE)
  void losingTheServerShowsABannerAndAServerThatNeedsAKeyAsksForIt() throws Exception {
    startResearch(domains("beacon", 3), "quick", 20);
    WebElement job = driver.findElement(By.id("research-job"));
    waitFor(JOB_TIMEOUT).until(d -> "done".equals(job.getAttribute("data-status")) && rows().size() == 3);
    WebElement banner = driver.findElement(By.id("banner"));
    assertThat(banner.isDisplayed()).isFalse();

    engine.destroy();
    assertThat(engine.waitFor(20, TimeUnit.SECONDS)).as("engine stopped").isTrue();
    waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOf(banner));
    assertThat(banner.getText()).contains("connection").doesNotContain("undefined");
    assertThat(banner.getAttribute("role")).isEqualTo("alert");
    screenshot("server-unreachable.png");

    // back, with keys: the reconnecting page is refused, asks for a key, and reconnects with it
    engine = startEngine(Map.of("API_KEYS", "webpage-it-key"));
    WebElement dialog = waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(By.id("key-dialog")));
    dialog.findElement(By.id("key-input")).sendKeys("webpage-it-key");
    dialog.findElement(By.cssSelector("button[type=submit]")).click();
    waitFor(Duration.ofSeconds(30)).until(ExpectedConditions.invisibilityOf(banner));
    assertThat(driver.executeScript("return localStorage.getItem('gtm.apiKey')")).isEqualTo("webpage-it-key");

    // the stored key goes with REST and WebSocket calls alike: a new research runs to the end
    startResearch(domains("lantern", 3), "quick", 20);
    WebElement again = driver.findElement(By.id("research-job"));
    waitFor(JOB_TIMEOUT).until(d -> "done".equals(again.getAttribute("data-status")) && rows().size() == 3);
    assertThat(driver.findElements(By.cssSelector("#key-dialog[open]"))).isEmpty();
  }

  // ------------------------------------------------------------------------------------------

  private static void startResearch(List<String> domains, String depth, int parallel) {
    driver.get(base + "/#/research");
    fillResearchForm(domains, depth, parallel);
    driver.findElement(By.cssSelector("#research-form button[type=submit]")).click();
    waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.urlMatches("#/research/.+"));
  }

  private static void fillResearchForm(List<String> domains, String depth, int parallel) {
    WebElement goal = driver.findElement(By.id("research-goal"));
    goal.clear();
    goal.sendKeys(GOAL);
    WebElement list = driver.findElement(By.id("research-domains"));
    list.clear();
    list.sendKeys(String.join("\n", domains));
    new Select(driver.findElement(By.id("research-depth"))).selectByValue(depth);
    WebElement n = driver.findElement(By.id("research-parallel"));
    n.clear();
    n.sendKeys(String.valueOf(parallel));
  }

  private static JsonObject researchBody(List<String> domains, String depth, int parallel) {
    return new JsonObject().put("research_goal", GOAL).put("company_domains", new JsonArray(new ArrayList<>(domains)))
        .put("search_depth", depth).put("max_parallel_searches", parallel).put("confidence_threshold", 0.7);
  }

  private static List<String> domains(String prefix, int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + "-systems-" + i + ".com").toList();
  }

  private static List<WebElement> rows() {
    return driver.findElements(By.cssSelector("#research-rows tr.result"));
  }

  private static List<WebElement> chapters() {
    return driver.findElements(By.cssSelector("#document-chapters li.chapter"));
  }

  private static String smallBook() {
    String para = "The keeper climbed the stairs at dusk and lit the great lamp. Ships passed in the night, "
        + "and the light turned over the water until morning. He wrote each ship in his log.\n\n";
    return "The Project Gutenberg eBook of The Lighthouse Keeper\r\n\r\nCONTENTS\r\n\r\nCHAPTER I. The Lamp\r\n"
        + "CHAPTER II. The Storm\r\nCHAPTER III. The Relief\r\n\r\n\r\n"
        + "CHAPTER I. The Lamp\n\n" + para.repeat(6)
        + "CHAPTER II. The Storm\n\n" + para.replace("night", "storm").repeat(6)
        + "CHAPTER III. The Relief\n\n" + para.replace("dusk", "dawn").repeat(6)
        + "*** END OF THE PROJECT GUTENBERG EBOOK ***\n";
  }

  private static WebDriverWait waitFor(Duration timeout) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(100));
  }

  private static void screenshot(String name) throws IOException {
    Files.write(screenshots.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
  }

  private static void simulatorKnobs(String provider, JsonObject knobs) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(simulator + "/admin/config/" + provider))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(knobs.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("simulator knobs for %s: %s", provider, r.body()).isEqualTo(200);
  }

  /** {@code engine.jar all} on {@link #httpPort} against the simulator, up once /health/live answers. */
  private static Process startEngine(Map<String, String> extraEnv) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "HTTP_PORT", String.valueOf(httpPort),
        "CLUSTER_NAME", "webpage-it-" + UUID.randomUUID(),
        "TAVILY_BASE_URL", simulator, "TAVILY_API_KEY", "test",
        "NEWSAPI_BASE_URL", simulator, "NEWSAPI_KEY", "test",
        "GREENHOUSE_BASE_URL", simulator,
        "LLM_PROVIDER", "offline",
        "API_JOBS_PER_MINUTE", "1000"));
    env.putAll(extraEnv);
    Process p = start("engine-" + processes.size(), env, "all");
    awaitUp(base + "/health/live");
    return p;
  }

  private static Process start(String name, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", jar));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(Path.of("target", "webpage-it-" + name + ".log").toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** Polls {@code url} until it answers 200, failing with the process's exit if it died first. */
  private static void awaitUp(String url) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    Process process = processes.get(processes.size() - 1);
    while (true) {
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      assertThat(process.isAlive()).as("process serving %s exited (see target/webpage-it-*.log)", url).isTrue();
      assertThat(Instant.now()).as("%s up within 60 s", url).isBefore(deadline);
      process.onExit().completeOnTimeout(null, 100, TimeUnit.MILLISECONDS).join(); // poll interval, or exit
    }
  }
}
