package io.gtm.common.llm.offline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Known technologies and products with their aliases, matched on whole tokens. An entry marked
 * {@code !} matches only as cased (Go, Rust, Swift, Spark... are also ordinary words); the others
 * match in any case. Tokens keep {@code + # .} inside them, so C++, C#, Node.js and .NET are single
 * tokens; a multi-word alias matches consecutive tokens.
 */
public final class TechnologyDictionary {

  /** One line per entry: {@code [!]Canonical|alias|alias}. */
  private static final String ENTRIES = """
      Kubernetes|k8s|kube|EKS|GKE|AKS
      Docker|containerd
      !Helm
      Terraform|HashiCorp Terraform
      Pulumi
      !Ansible
      !Chef
      !Puppet
      Vagrant
      !Consul
      !Vault|HashiCorp Vault
      !Nomad
      !Istio
      Linkerd
      !Envoy
      NGINX
      Apache HTTP Server|Apache httpd
      HAProxy
      Traefik
      Prometheus
      Grafana
      Datadog
      New Relic|NewRelic
      Splunk
      !Elastic|Elasticsearch|ElasticSearch
      Logstash
      Kibana
      OpenSearch
      !Sentry
      PagerDuty
      Honeycomb
      Dynatrace
      AppDynamics
      OpenTelemetry|OTel
      Jaeger
      Zipkin
      AWS|Amazon Web Services
      Amazon S3|S3
      !AWS Lambda|Lambda
      Amazon EC2|EC2
      Amazon RDS|RDS
      !Amazon Aurora|Aurora
      DynamoDB
      Amazon Redshift|Redshift
      Amazon SQS|SQS
      Amazon SNS|SNS
      Amazon Kinesis|Kinesis
      AWS Glue
      Amazon SageMaker|SageMaker
      !Amazon Bedrock|Bedrock
      CloudFormation
      CloudFront
      Google Cloud|GCP|Google Cloud Platform
      BigQuery
      !Google Cloud Run|Cloud Run
      !Cloud Functions
      Pub/Sub|Google Pub/Sub
      Firebase
      Firestore
      Vertex AI
      Microsoft Azure|Azure
      Azure DevOps
      Azure Functions
      Cosmos DB|CosmosDB
      Oracle Cloud|OCI
      IBM Cloud
      DigitalOcean
      !Heroku
      Vercel
      Netlify
      Cloudflare
      Fastly
      Akamai
      Linode
      OpenShift|Red Hat OpenShift
      VMware
      !Rancher
      PostgreSQL|Postgres
      MySQL
      MariaDB
      SQLite
      Oracle Database
      Microsoft SQL Server|SQL Server|MSSQL
      MongoDB|Mongo
      Redis
      Memcached
      !Cassandra|Apache Cassandra
      ScyllaDB
      CockroachDB
      Couchbase
      CouchDB
      !Neo4j
      InfluxDB
      TimescaleDB
      ClickHouse
      !Snowflake
      Databricks
      !Apache Spark|Spark|PySpark
      !Apache Kafka|Kafka
      !Confluent
      RabbitMQ
      !Apache Pulsar|Pulsar
      !NATS
      ActiveMQ
      Apache Flink|Flink
      Apache Airflow|Airflow
      dbt
      Fivetran
      Airbyte
      !Looker
      Tableau
      Power BI|PowerBI
      Apache Hadoop|Hadoop
      !Apache Hive|Hive
      !Presto
      !Trino
      Apache Beam
      !Apache Iceberg|Iceberg
      Delta Lake
      Pinecone
      Weaviate
      Milvus
      Qdrant
      pgvector
      Supabase
      PlanetScale
      !Neon
      Hasura
      GraphQL
      gRPC
      REST API|RESTful
      OpenAPI|Swagger
      Apache Thrift
      Java
      Kotlin
      Scala
      !Go|Golang
      !Rust
      Python
      !Ruby
      Ruby on Rails|Rails|RoR
      PHP
      Laravel
      Symfony
      Perl
      C++|cpp
      C#|csharp
      .NET|dotnet|ASP.NET
      !Swift
      Objective-C
      TypeScript
      JavaScript
      !Node.js|NodeJS|Node
      Deno
      !Bun
      Elixir
      !Phoenix Framework
      Erlang
      Haskell
      Clojure
      !Dart
      Flutter
      React Native
      React|ReactJS|React.js
      Next.js|NextJS
      !Vue|Vue.js|VueJS
      Nuxt
      !Angular|AngularJS
      Svelte
      !Ember.js|Ember
      jQuery
      Tailwind CSS|Tailwind
      !Bootstrap
      !Redux
      Webpack
      !Vite
      Django
      !Flask
      FastAPI
      !Spring|Spring Boot
      Vert.x|Vertx
      Quarkus
      Micronaut
      Hibernate
      !Express.js|Express
      NestJS
      !Gin
      !Elm
      !Julia
      MATLAB
      !R
      !SAS
      Fortran
      COBOL
      Solidity
      Ethereum
      Bitcoin
      Blockchain
      TensorFlow
      PyTorch
      Keras
      scikit-learn|sklearn
      XGBoost
      LightGBM
      Hugging Face|HuggingFace
      LangChain
      LlamaIndex
      OpenAI|GPT-4|GPT-4o|ChatGPT|GPT-3.5
      !Anthropic|Claude
      !Google Gemini|Gemini
      !Llama|LLaMA
      !Mistral
      Cohere
      MLflow
      Kubeflow
      !Ray
      Weights & Biases|wandb
      Jupyter|JupyterLab
      Pandas
      NumPy
      Apache Arrow
      CUDA
      NVIDIA
      Computer Vision
      !Machine Learning|ML
      !Artificial Intelligence|AI
      Generative AI|GenAI
      Large Language Models|LLM|LLMs
      Natural Language Processing|NLP
      Deep Learning
      Data Lake
      Data Warehouse
      Microservices|microservice
      Serverless
      Service Mesh
      CI/CD
      DevOps
      MLOps
      GitOps
      !Jenkins
      GitHub Actions
      GitHub
      GitLab|GitLab CI
      Bitbucket
      CircleCI
      Travis CI
      !Argo CD|ArgoCD|Argo
      Spinnaker
      Buildkite
      Bazel
      Gradle
      !Maven
      npm
      Yarn
      Jira
      !Confluence
      !Asana
      Trello
      !Notion
      !Linear
      !Slack
      Microsoft Teams
      !Zoom
      Salesforce
      HubSpot
      Marketo
      Pardot
      Zendesk
      Intercom
      Freshdesk
      ServiceNow
      Workday
      !SAP
      NetSuite
      QuickBooks
      Stripe
      Adyen
      PayPal
      Braintree
      Plaid
      Twilio
      SendGrid
      Mailchimp
      !Segment
      Amplitude
      Mixpanel
      !Heap
      Google Analytics
      Optimizely
      LaunchDarkly
      Auth0
      Okta
      Keycloak
      OAuth|OAuth2
      OpenID Connect|OIDC
      SAML
      CrowdStrike
      Palo Alto Networks
      Zscaler
      Snyk
      SonarQube
      !Wiz
      HashiCorp
      Shopify
      Magento
      WooCommerce
      WordPress
      Contentful
      !Sanity
      Strapi
      Drupal
      Webflow
      Figma
      !Sketch
      Adobe Experience Manager|AEM
      !Unity
      Unreal Engine
      Android
      iOS
      !Linux
      Ubuntu
      Red Hat|RHEL
      Windows Server
      macOS
      Apache Tomcat|Tomcat
      !Jetty
      Netty
      WebAssembly|Wasm
      WebRTC
      Kafka Streams
      Debezium
      !Temporal
      !Celery
      Sidekiq
      Elastic Kubernetes Service
      !Apache Solr|Solr
      Algolia
      Mapbox
      Snowplow
      Segment.io
      !Retool
      Zapier
      UiPath
      Salesforce Commerce Cloud
      !Oracle
      !IBM
      !Microsoft
      !Google
      !Amazon
      """;

  /** A known technology: its canonical name and whether it matches case-sensitively. */
  public record Technology(String name, boolean caseSensitive) {}

  private record Alias(String[] tokens, Technology tech) {}

  private static final Map<String, List<Alias>> BY_FIRST_TOKEN = new HashMap<>();
  private static final List<Technology> ALL = new ArrayList<>();

  static {
    for (String line : ENTRIES.split("\n")) {
      String entry = line.strip();
      if (entry.isEmpty()) {
        continue;
      }
      boolean cased = entry.startsWith("!");
      String[] names = (cased ? entry.substring(1) : entry).split("\\|");
      Technology tech = new Technology(names[0], cased);
      ALL.add(tech);
      for (String name : names) {
        List<String> toks = new ArrayList<>();
        for (Token t : tokenize(name)) {
          toks.add(cased ? t.text : t.text.toLowerCase(Locale.ROOT));
        }
        if (toks.isEmpty()) {
          continue;
        }
        BY_FIRST_TOKEN.computeIfAbsent(toks.get(0).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(new Alias(toks.toArray(String[]::new), tech));
      }
    }
    // Longest aliases first, so "Ruby on Rails" wins over "Ruby" and "Google Cloud" over "Google".
    BY_FIRST_TOKEN.values().forEach(l -> l.sort((a, b) -> b.tokens.length - a.tokens.length));
  }

  private TechnologyDictionary() {}

  public static int size() {
    return ALL.size();
  }

  /** A token of text with its offset. */
  record Token(String text, int start) {}

  /** Tokens of letters and digits that may hold {@code + # .} inside (C++, C#, Node.js, .NET). */
  static List<Token> tokenize(String text) {
    List<Token> out = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      boolean dotStart = c == '.' && i + 1 < n && Character.isLetterOrDigit(text.charAt(i + 1))
          && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)));
      if (!Character.isLetterOrDigit(c) && !dotStart) {
        i++;
        continue;
      }
      int start = i;
      i++;
      while (i < n) {
        char d = text.charAt(i);
        if (Character.isLetterOrDigit(d)) {
          i++;
        } else if ((d == '.' || d == '/') && i + 1 < n && Character.isLetterOrDigit(text.charAt(i + 1))) {
          i++;
        } else if (d == '+' || d == '#') {
          i++;
        } else {
          break;
        }
      }
      out.add(new Token(text.substring(start, i), start));
    }
    return out;
  }

  /** The technologies named in a text, in order of first mention, each once. */
  public static List<String> find(String text) {
    List<String> out = new ArrayList<>();
    List<Token> tokens = tokenize(text);
    int i = 0;
    while (i < tokens.size()) {
      List<Alias> aliases = BY_FIRST_TOKEN.get(tokens.get(i).text.toLowerCase(Locale.ROOT));
      int consumed = 1;
      if (aliases != null) {
        for (Alias alias : aliases) {
          if (matches(alias, tokens, i)) {
            if (!out.contains(alias.tech.name())) {
              out.add(alias.tech.name());
            }
            consumed = alias.tokens.length;
            break;
          }
        }
      }
      i += consumed;
    }
    return out;
  }

  private static boolean matches(Alias alias, List<Token> tokens, int at) {
    if (at + alias.tokens.length > tokens.size()) {
      return false;
    }
    for (int k = 0; k < alias.tokens.length; k++) {
      String t = tokens.get(at + k).text;
      boolean same = alias.tech.caseSensitive() ? t.equals(alias.tokens[k]) : t.equalsIgnoreCase(alias.tokens[k]);
      if (!same) {
        return false;
      }
    }
    return true;
  }
}
