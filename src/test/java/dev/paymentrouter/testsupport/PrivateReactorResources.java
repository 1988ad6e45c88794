package dev.paymentrouter.testsupport;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * For applications a test starts itself (not through the Spring test framework, which does the same): their
 * Reactor Netty event loops and connection pools are their own. With the JVM-wide ones, closing such an
 * application would dispose the loops that every other application in the test JVM still uses, and their
 * requests would hang.
 */
public final class PrivateReactorResources implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
      @Override
      public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof ReactorResourceFactory resources) {
          resources.setUseGlobalResources(false);
        }
        return bean;
      }
    });
  }
}
