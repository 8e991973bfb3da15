package io.github.neo4jbackup.examples;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SpringScheduledBackupsTest {

    @Configuration
    @EnableScheduling
    static class BackupConfig {
        @Bean
        BackupPipeline pipeline() {
            return BackupPipeline.builder().source(new SampleGraphSource("neo4j", 10, 2, 1))
                    .target(new InMemoryStorageTarget()).build();
        }

        @Bean
        SpringScheduledBackups scheduledBackups(BackupPipeline pipeline) {
            return new SpringScheduledBackups(pipeline);
        }
    }

    @Test
    void springRunsTheBackupOnTheCronProperty() throws InterruptedException {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.getEnvironment().getPropertySources()
                    .addFirst(new MapPropertySource("test", Map.of("neo4j.backup.cron", "* * * * * *")));
            context.register(BackupConfig.class);
            context.refresh();
            SpringScheduledBackups bean = context.getBean(SpringScheduledBackups.class);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (bean.succeededRuns() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(bean.succeededRuns()).isPositive();
            assertThat(context.getBean(BackupPipeline.class).list()).isNotEmpty();
        }
    }
}
